// The device collectors (netdev, hwmon) against the fixture tree recorded from a real
// machine (fixtures/README.md): expected values are worked out by hand from the fixture
// files, quoted in the comments.
import { describe, expect, it } from 'vitest';
import { hwmonCollector } from './hwmon.ts';
import { netdevCollector } from './netdev.ts';
import { FIXTURE_PATHS, family, fixtureContext, names, tempDir, values, labelKey as k } from './testing/testkit.ts';

describe('netdev', () => {
  it('exposes every /proc/net/dev column per interface, plus rx_nohandler from sysfs', async () => {
    const fams = await netdevCollector().collect(fixtureContext());
    expect(names(fams)).toHaveLength(17);
    const rx = values(fams, 'node_network_receive_bytes_total');
    // eth0: 405099084   13721 … | 1229788    9583 …
    expect(rx).toEqual({
      [k({ device: 'lo' })]: 30951633,
      [k({ device: 'ifb0' })]: 0,
      [k({ device: 'ifb1' })]: 0,
      [k({ device: 'eth0' })]: 405099084,
    });
    expect(values(fams, 'node_network_transmit_packets_total')[k({ device: 'eth0' })]).toBe(9583);
    expect(values(fams, 'node_network_receive_multicast_total')[k({ device: 'lo' })]).toBe(0);
    expect(values(fams, 'node_network_transmit_colls_total')[k({ device: 'eth0' })]).toBe(0);
    // Only eth0 has statistics in the fixture's sysfs.
    expect(values(fams, 'node_network_receive_nohandler_total')).toEqual({ [k({ device: 'eth0' })]: 3 });
    expect(family(fams, 'node_network_receive_bytes_total')).toMatchObject({
      type: 'counter',
      help: 'Network device statistic receive_bytes.',
      unit: 'bytes',
    });
    expect(names(fams)).toEqual([...names(fams)].sort());
  });

  it('leaves out excluded interfaces', async () => {
    const fams = await netdevCollector({ deviceExclude: /^(lo|ifb\d+)$/ }).collect(fixtureContext());
    expect(Object.keys(values(fams, 'node_network_receive_packets_total'))).toEqual([k({ device: 'eth0' })]);
  });
});

describe('hwmon', () => {
  it('names chips after their device, with human-readable chip names beside', async () => {
    const fams = await hwmonCollector().collect(fixtureContext());
    expect(values(fams, 'node_hwmon_chip_names')).toEqual({
      [k({ chip: 'acpitz', chip_name: 'acpitz' })]: 1, // no device link: the name file
      [k({ chip: 'platform_coretemp_0', chip_name: 'coretemp' })]: 1, // device → …/platform/coretemp.0
      [k({ chip: 'nvme_nvme0', chip_name: 'nvme' })]: 1, // device → …/nvme/nvme0
      [k({ chip: 'platform_nct6775_656', chip_name: 'nct6775' })]: 1,
    });
    expect(family(fams, 'node_hwmon_chip_names')).toMatchObject({ type: 'gauge', help: 'Annotation metric for human-readable chip names' });
  });

  it('converts temperatures from millidegrees and keeps crit/max/min', async () => {
    const fams = await hwmonCollector().collect(fixtureContext());
    const close = (name: string, expected: Record<string, number>) => {
      const got = values(fams, name);
      expect(Object.keys(got).sort()).toEqual(Object.keys(expected).sort());
      for (const [key, v] of Object.entries(expected)) expect(got[key]).toBeCloseTo(v, 12);
    };
    close('node_hwmon_temp_celsius', {
      [k({ chip: 'acpitz', sensor: 'temp1' })]: 27.8,
      [k({ chip: 'platform_coretemp_0', sensor: 'temp1' })]: 45,
      [k({ chip: 'platform_coretemp_0', sensor: 'temp2' })]: 43,
      [k({ chip: 'nvme_nvme0', sensor: 'temp1' })]: 38.85,
      [k({ chip: 'nvme_nvme0', sensor: 'temp2' })]: 41.85,
      [k({ chip: 'platform_nct6775_656', sensor: 'temp7' })]: 38,
    });
    close('node_hwmon_temp_crit_celsius', {
      [k({ chip: 'acpitz', sensor: 'temp1' })]: 105,
      [k({ chip: 'platform_coretemp_0', sensor: 'temp1' })]: 100,
      [k({ chip: 'platform_coretemp_0', sensor: 'temp2' })]: 100,
    });
    close('node_hwmon_temp_max_celsius', {
      [k({ chip: 'platform_coretemp_0', sensor: 'temp1' })]: 80,
      [k({ chip: 'platform_coretemp_0', sensor: 'temp2' })]: 80,
      [k({ chip: 'nvme_nvme0', sensor: 'temp1' })]: 84.85,
    });
    close('node_hwmon_temp_min_celsius', { [k({ chip: 'nvme_nvme0', sensor: 'temp1' })]: -273.15 });
    expect(family(fams, 'node_hwmon_temp_celsius')).toMatchObject({
      type: 'gauge',
      help: 'Hardware monitor for temperature (input)',
      unit: 'celsius',
    });
    expect(family(fams, 'node_hwmon_temp_crit_celsius').help).toBe('Hardware monitor for temperature (crit)');
    // node_exporter treats crit_alarm as a temperature too; kept for compatibility.
    expect(values(fams, 'node_hwmon_temp_crit_alarm_celsius')).toEqual({ [k({ chip: 'platform_coretemp_0', sensor: 'temp1' })]: 0 });
    expect(family(fams, 'node_hwmon_temp_alarm')).toMatchObject({
      help: 'Hardware sensor alarm status (temp)',
      samples: [{ labels: { chip: 'nvme_nvme0', sensor: 'temp1' }, value: 0 }],
    });
  });

  it('exposes sensor labels, fans, voltages, pwm and intrusion like node_exporter', async () => {
    const fams = await hwmonCollector().collect(fixtureContext());
    expect(values(fams, 'node_hwmon_sensor_label')).toEqual({
      [k({ chip: 'platform_coretemp_0', sensor: 'temp1', label: 'package_id_0' })]: 1,
      [k({ chip: 'platform_coretemp_0', sensor: 'temp2', label: 'core_0' })]: 1,
      [k({ chip: 'nvme_nvme0', sensor: 'temp1', label: 'composite' })]: 1,
      [k({ chip: 'nvme_nvme0', sensor: 'temp2', label: 'sensor_1' })]: 1,
      [k({ chip: 'platform_nct6775_656', sensor: 'temp7', label: 'systin' })]: 1,
    });
    const nct = (sensor: string) => k({ chip: 'platform_nct6775_656', sensor });
    expect(values(fams, 'node_hwmon_fan_rpm')).toEqual({ [nct('fan2')]: 1150 });
    expect(values(fams, 'node_hwmon_fan_min_rpm')).toEqual({ [nct('fan2')]: 0 });
    expect(family(fams, 'node_hwmon_fan_pulses')).toMatchObject({ help: 'Hardware monitor fan element pulses', samples: [{ value: 2 }] });
    expect(values(fams, 'node_hwmon_in_volts')[nct('in0')]).toBeCloseTo(1.04, 12);
    expect(values(fams, 'node_hwmon_in_max_volts')[nct('in0')]).toBeCloseTo(1.744, 12);
    expect(values(fams, 'node_hwmon_in_min_volts')[nct('in0')]).toBe(0);
    expect(values(fams, 'node_hwmon_pwm')).toEqual({ [nct('pwm2')]: 128 });
    expect(values(fams, 'node_hwmon_pwm_enable')).toEqual({ [nct('pwm2')]: 5 });
    expect(family(fams, 'node_hwmon_intrusion_alarm')).toMatchObject({
      help: 'Hardware sensor alarm status (intrusion)',
      samples: [{ labels: { sensor: 'intrusion0' }, value: 1 }],
    });
    expect(values(fams, 'node_hwmon_temp_type')).toEqual({ [nct('temp7')]: 4 });
  });

  it('says when there is no /sys/class/hwmon', async () => {
    const sys = tempDir();
    await expect(hwmonCollector().collect(fixtureContext({ paths: { ...FIXTURE_PATHS, sysfs: sys } }))).rejects.toThrow(
      `hwmon: ${sys}/class/hwmon not found (`,
    );
  });
});

describe('hwmon chip names', () => {
  it('keep colons (PCI addresses) and turn dots and blanks into underscores', async () => {
    const { cleanName } = await import('./hwmon.ts');
    expect(cleanName('0000:00:18.3')).toBe('0000:00:18_3');
    expect(cleanName('Package id 0\n')).toBe('package_id_0');
    expect(cleanName('  --Tctl--  ')).toBe('tctl');
  });
});

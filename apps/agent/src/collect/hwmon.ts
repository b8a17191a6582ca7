// hwmon: hardware sensors from /sys/class/hwmon (what lm-sensors shows), named like
// node_exporter's hwmon collector: node_hwmon_temp_celsius{chip,sensor},
// node_hwmon_temp_crit_celsius, node_hwmon_fan_rpm, node_hwmon_in_volts, …, plus
// node_hwmon_chip_names{chip,chip_name} and node_hwmon_sensor_label{chip,sensor,label}.
//
// The chip label is stable across reboots: built from the device the chip hangs off
// (`platform_coretemp_0`, `nvme_nvme0`, `pci0000:00_0000:00:18_3`), else the chip's `name`
// file, else the hwmonN directory name.
import { promises as fsp, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Collector } from './collector.ts';
import { FamilySet, fileError, linuxCollector, listOptional, readOptional, sysPath } from './util.ts';

const SENSOR_TYPES = new Set([
  'vrm',
  'beep_enable',
  'update_interval',
  'in',
  'cpu',
  'fan',
  'pwm',
  'temp',
  'curr',
  'power',
  'energy',
  'humidity',
  'intrusion',
]);
const FILENAME = /^([^0-9]+)([0-9]*)?(_(.+))?$/;

/** Lower case, anything but [a-z0-9:_] to `_`, no leading or trailing `_`. */
export function cleanName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9:_]/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** `temp1_crit_alarm` → { type: 'temp', num: 1, property: 'crit_alarm' }. */
export function explodeSensorFilename(filename: string): { type: string; num: number; property: string } | undefined {
  const m = FILENAME.exec(filename);
  if (!m) return undefined;
  return { type: m[1], num: m[2] ? Number(m[2]) : 0, property: m[4] ?? '' };
}

/** sensor ("temp1") → property ("input", "crit", "" for a bare `pwm1`) → raw text. */
type SensorData = Map<string, Map<string, string>>;

async function collectSensorData(dir: string, data: SensorData): Promise<void> {
  const entries = await listOptional(dir);
  if (!entries) return;
  for (const file of entries.sort()) {
    const parts = explodeSensorFilename(file);
    if (!parts || !SENSOR_TYPES.has(parts.type)) continue;
    // Directories (power/) and unreadable attributes are skipped like node_exporter does.
    const raw = await readOptional(path.join(dir, file));
    if (raw === undefined) continue;
    const sensor = `${parts.type}${parts.num}`;
    let props = data.get(sensor);
    if (!props) data.set(sensor, (props = new Map()));
    props.set(parts.property, raw.replace(/^\n+|\n+$/g, ''));
  }
}

async function chipName(dir: string): Promise<string> {
  try {
    const device = await fsp.realpath(path.join(dir, 'device'));
    const devName = cleanName(path.basename(device));
    const devType = cleanName(path.basename(path.dirname(device)));
    if (devType && devName) return `${devType}_${devName}`;
    if (devName) return devName;
  } catch {
    // no device link
  }
  const name = cleanName((await readOptional(path.join(dir, 'name'))) ?? '');
  if (name) return name;
  const real = cleanName(path.basename(await fsp.realpath(dir)));
  if (real) return real;
  throw new Error(`hwmon: could not derive a monitoring name for ${dir}`);
}

/** Go's strconv.ParseFloat on sysfs text, close enough: NaN for anything not a number. */
function parseValue(s: string): number {
  return s.trim() === '' ? NaN : Number(s);
}

function emitSensor(set: FamilySet, chip: string, sensor: string, props: Map<string, string>): void {
  const type = explodeSensorFilename(sensor)?.type ?? '';
  const labels = { chip, sensor };
  const label = props.get('label');
  if (label !== undefined && cleanName(label) !== '') {
    set.get('node_hwmon_sensor_label', 'gauge', 'Label for given chip and sensor').add(1, { chip, sensor, label: cleanName(label) });
  }
  if (type === 'beep_enable') {
    set.get('node_hwmon_beep_enabled', 'gauge', 'Hardware beep enabled').add(props.get('') === '1' ? 1 : 0, labels);
    return;
  }
  if (type === 'vrm' || type === 'update_interval') {
    const v = parseValue(props.get('') ?? '');
    if (Number.isNaN(v)) return;
    if (type === 'vrm') set.get('node_hwmon_voltage_regulator_version', 'gauge', 'Hardware voltage regulator').add(v, labels);
    else set.get('node_hwmon_update_interval_seconds', 'gauge', 'Hardware monitor update interval').add(v * 0.001, labels);
    return;
  }
  const prefix = `node_hwmon_${type}`;
  for (const [element, raw] of props) {
    if (element === 'label') continue;
    let name = prefix;
    if (element === 'input') {
      // `input` is the value itself, unless a bare `<type><n>` file also exists.
      if (props.has('')) name += '_input';
    } else if (element !== '') {
      name += `_${cleanName(element)}`;
    }
    const v = parseValue(raw);
    if (Number.isNaN(v)) continue;
    const g = (n: string, help: string, value: number) => set.get(n, 'gauge', help).add(value, labels);

    if (element === 'fault' || element === 'alarm') g(name, `Hardware sensor ${element} status (${type})`, v);
    else if (element === 'beep') g(`${name}_enabled`, 'Hardware monitor sensor has beeping enabled', v);
    else if (type === 'in' || type === 'cpu') g(`${name}_volts`, `Hardware monitor for voltage (${element})`, v * 0.001);
    else if (type === 'temp' && element !== 'type')
      g(`${name}_celsius`, `Hardware monitor for temperature (${element === '' ? 'input' : element})`, v * 0.001);
    else if (type === 'curr') g(`${name}_amps`, `Hardware monitor for current (${element})`, v * 0.001);
    else if (type === 'energy')
      set.get(`${name}_joule_total`, 'counter', `Hardware monitor for joules used so far (${element})`).add(v / 1000000.0, labels);
    else if (type === 'power' && element === 'accuracy') g(name, 'Hardware monitor power meter accuracy, as a ratio', v / 1000000.0);
    else if (
      type === 'power' &&
      (element === 'average_interval' || element === 'average_interval_min' || element === 'average_interval_max')
    )
      g(`${name}_seconds`, `Hardware monitor power usage update interval (${element})`, v * 0.001);
    else if (type === 'power') g(`${name}_watt`, `Hardware monitor for power usage in watts (${element})`, v / 1000000.0);
    else if (type === 'humidity')
      g(
        name,
        `Hardware monitor for humidity, as a ratio (multiply with 100.0 to get the humidity as a percentage) (${element})`,
        v / 1000000.0,
      );
    else if (type === 'fan' && (element === 'input' || element === 'min' || element === 'max' || element === 'target'))
      g(`${name}_rpm`, `Hardware monitor for fan revolutions per minute (${element})`, v);
    else g(name, `Hardware monitor ${type} element ${element}`, v);
  }
}

export function hwmonCollector(): Collector {
  return linuxCollector('hwmon', async (ctx) => {
    const root = sysPath(ctx, 'class/hwmon');
    let entries: string[];
    try {
      entries = readdirSync(root);
    } catch (err) {
      throw fileError('hwmon', root, err, 'no hardware monitoring drivers, as in most virtual machines and containers');
    }
    const set = new FamilySet();
    // Created first so that chip names come before the sensors in the output.
    set.get('node_hwmon_chip_names', 'gauge', 'Annotation metric for human-readable chip names');
    const errors: string[] = [];
    let chips = 0;
    for (const entry of entries.sort()) {
      const dir = path.join(root, entry);
      try {
        if (!(await fsp.stat(dir)).isDirectory()) continue;
        const chip = await chipName(dir);
        const data: SensorData = new Map();
        await collectSensorData(dir, data);
        await collectSensorData(path.join(dir, 'device'), data);
        const human = cleanName((await readOptional(path.join(dir, 'name'))) ?? '');
        if (human)
          set.get('node_hwmon_chip_names', 'gauge', 'Annotation metric for human-readable chip names').add(1, { chip, chip_name: human });
        for (const sensor of [...data.keys()].sort()) emitSensor(set, chip, sensor, data.get(sensor)!);
        chips++;
      } catch (err) {
        errors.push(err instanceof Error ? err.message : String(err));
      }
    }
    // One broken chip does not hide the others; all of them broken is a failure.
    if (chips === 0 && errors.length > 0) throw new Error(errors.join('; '));
    return set.build();
  });
}

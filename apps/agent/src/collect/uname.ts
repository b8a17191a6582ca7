// uname: node_uname_info from /proc/sys/kernel (the same strings uname(2) returns), like
// node_exporter's uname collector.
import os from 'node:os';
import type { Collector } from './collector.ts';
import { gauge, linuxCollector, procPath, readOptional, readText } from './util.ts';

export function unameCollector(): Collector {
  return linuxCollector('uname', async (ctx) => {
    const read = async (name: string) => (await readText('uname', procPath(ctx, 'sys/kernel', name))).replace(/\n$/, '');
    const [sysname, release, version, nodename, domainname] = await Promise.all(
      ['ostype', 'osrelease', 'version', 'hostname', 'domainname'].map(read),
    );
    // /proc/sys/kernel/arch exists since Linux 6.1; before that the agent's own machine
    // (the same kernel) answers.
    const machine = (await readOptional(procPath(ctx, 'sys/kernel/arch')))?.replace(/\n$/, '') || os.machine();
    return [
      gauge('node_uname_info', 'Labeled system information as provided by the uname system call.').add(1, {
        sysname,
        release,
        version,
        machine,
        nodename,
        domainname,
      }),
    ];
  });
}

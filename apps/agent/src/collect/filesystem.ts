// filesystem: size, free and available bytes, inodes, read-only flag and statfs errors of
// every mounted filesystem, like node_exporter's filesystem collector. Mounts come from
// <procfs>/1/mounts (the host's init, so the host's mount table when the agent runs in a
// container with the host's PID namespace), else <procfs>/mounts; sizes come from
// statfs(2) on <rootfs>/<mountpoint>.
import { promises as fsp, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Collector, StatFs } from './collector.ts';
import { fields, fileError, gauge, isNotFound, linuxCollector, procPath } from './util.ts';

/** node_exporter's default --collector.filesystem.mount-points-exclude. */
export const DEFAULT_MOUNT_POINTS_EXCLUDE =
  /^\/(dev|proc|run\/credentials\/.+|sys|var\/lib\/docker\/.+|var\/lib\/containers\/storage\/.+)($|\/)/;
/** node_exporter's default --collector.filesystem.fs-types-exclude: pseudo and read-only image filesystems. */
export const DEFAULT_FS_TYPES_EXCLUDE =
  /^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|erofs|sysfs|tracefs)$/;

export interface MountEntry {
  device: string;
  mountpoint: string;
  fstype: string;
  options: string;
}

/** Decodes the octal escapes the kernel writes for blanks and backslashes (`\040` is a space). */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export function parseMounts(text: string, file = '/proc/1/mounts'): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const parts = fields(line);
    if (parts.length === 0) continue;
    if (parts.length < 4) throw new Error(`filesystem: ${file}: malformed mount line ${JSON.stringify(line)}`);
    out.push({ device: parts[0], mountpoint: unescapeMount(parts[1]), fstype: parts[2], options: parts[3] });
  }
  return out;
}

export interface FilesystemOptions {
  mountPointsExclude?: RegExp;
  fsTypesExclude?: RegExp;
  /** How long a statfs may take before the mount is reported as an error and considered stuck; default 5 s. */
  mountTimeoutMs?: number;
}

export const defaultStatfs = async (p: string): Promise<StatFs> => {
  const s = await fsp.statfs(p);
  return { bsize: s.bsize, blocks: s.blocks, bfree: s.bfree, bavail: s.bavail, files: s.files, ffree: s.ffree };
};

export function filesystemCollector(options: FilesystemOptions = {}): Collector {
  const mpExclude = options.mountPointsExclude ?? DEFAULT_MOUNT_POINTS_EXCLUDE;
  const fsExclude = options.fsTypesExclude ?? DEFAULT_FS_TYPES_EXCLUDE;
  const timeoutMs = options.mountTimeoutMs ?? 5000;
  // A statfs that hangs (a dead NFS server) keeps a libuv thread busy: such a mount is not
  // asked again until that call returns, and is reported with device_error 1 meanwhile.
  const stuck = new Set<string>();

  return linuxCollector('filesystem', async (ctx) => {
    let file = procPath(ctx, '1/mounts');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if (!isNotFound(err)) throw fileError('filesystem', file, err);
      // /proc/1 hidden (hidepid): the agent's own mount namespace.
      file = procPath(ctx, 'mounts');
      try {
        text = readFileSync(file, 'utf8');
      } catch (err2) {
        throw fileError('filesystem', file, err2);
      }
    }
    const statfs = ctx.statfs ?? defaultStatfs;
    const rootfs = ctx.paths.rootfs;

    const seen = new Set<string>();
    const mounts: MountEntry[] = [];
    for (const m of parseMounts(text, file)) {
      // Mount points seen from inside a container that has the host's / at rootfs.
      let mountpoint = m.mountpoint;
      if (rootfs !== '/' && rootfs !== '' && (mountpoint === rootfs || mountpoint.startsWith(`${rootfs.replace(/\/$/, '')}/`))) {
        mountpoint = mountpoint.slice(rootfs.replace(/\/$/, '').length) || '/';
      }
      if (mpExclude.test(mountpoint) || fsExclude.test(m.fstype)) continue;
      // Same device, mount point and type mounted twice: exposed once.
      const key = `${m.device}\0${mountpoint}\0${m.fstype}`;
      if (seen.has(key)) continue;
      seen.add(key);
      mounts.push({ ...m, mountpoint });
    }

    const size = gauge('node_filesystem_size_bytes', 'Filesystem size in bytes.');
    const free = gauge('node_filesystem_free_bytes', 'Filesystem free space in bytes.');
    const avail = gauge('node_filesystem_avail_bytes', 'Filesystem space available to non-root users in bytes.');
    const files = gauge('node_filesystem_files', 'Filesystem total file nodes.');
    const filesFree = gauge('node_filesystem_files_free', 'Filesystem total free file nodes.');
    const readonly = gauge('node_filesystem_readonly', 'Filesystem read-only status.');
    const deviceError = gauge('node_filesystem_device_error', 'Whether an error occurred while getting statistics for the given device.');

    const results = await Promise.all(
      mounts.map(async (m) => {
        const target = path.join(rootfs, m.mountpoint).replace(/(.)\/$/, '$1');
        if (stuck.has(target)) return undefined;
        let timer: NodeJS.Timeout | undefined;
        const call = statfs(target);
        const timeout = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), timeoutMs);
        });
        try {
          const r = await Promise.race([call, timeout]);
          if (r === 'timeout') {
            stuck.add(target);
            call.then(
              () => stuck.delete(target),
              () => stuck.delete(target),
            );
            return undefined;
          }
          return r;
        } catch {
          return undefined;
        } finally {
          clearTimeout(timer);
        }
      }),
    );

    mounts.forEach((m, i) => {
      const labels = { device: m.device, mountpoint: m.mountpoint, fstype: m.fstype };
      const s = results[i];
      const ro = m.options.split(',').includes('ro') ? 1 : 0;
      deviceError.add(s ? 0 : 1, labels);
      readonly.add(ro, labels);
      if (!s) return;
      size.add(s.blocks * s.bsize, labels);
      free.add(s.bfree * s.bsize, labels);
      avail.add(s.bavail * s.bsize, labels);
      files.add(s.files, labels);
      filesFree.add(s.ffree, labels);
    });
    return [size, free, avail, files, filesFree, readonly, deviceError];
  });
}

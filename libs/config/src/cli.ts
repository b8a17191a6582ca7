// The shape both command lines share: `<program> <command> [--config FILE]`, usage on
// --help, the config loaded (its problems printed, exit 2) before the command runs.

import { ConfigError } from './config-document.ts';

export interface CommandLine<C> {
  usage: string;
  /** Loads the config from the path given with --config, or the default one (undefined). */
  load: (path: string | undefined) => C;
  commands: Record<string, (config: C) => Promise<number> | number>;
  /** Where the config is when --config is not given. */
  defaultConfigPath?: () => string | undefined;
}

/** Runs the command named in `argv`; resolves to the exit code. */
export async function runCommandLine<C>(argv: string[], cli: CommandLine<C>): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') {
    console.log(cli.usage);
    return command ? 0 : 2;
  }
  const run = cli.commands[command];
  if (!run) {
    console.error(`unknown command ${JSON.stringify(command)}\n${cli.usage}`);
    return 2;
  }
  const configIndex = rest.indexOf('--config');
  const path = configIndex >= 0 ? rest[configIndex + 1] : cli.defaultConfigPath?.();
  let config: C;
  try {
    config = cli.load(path);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`config problems:\n${e.problems.map((p) => `  ${p}`).join('\n')}`);
      return 2;
    }
    throw e;
  }
  return run(config);
}

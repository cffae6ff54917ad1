// The shape of one brp-nas command, shared by the dispatcher and every command module.

export interface CliIo {
  out(s: string): void;
  err(s: string): void;
}

export interface CliCommand {
  name: string;
  summary: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

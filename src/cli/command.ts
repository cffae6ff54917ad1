// The shape of one brp-nas command, shared by the dispatcher and every command module.

export interface CliIo {
  out(s: string): void;
  err(s: string): void;
}

export interface CliCommand {
  name: string;
  summary: string;
  /** Subcommands (the first argument), named in error messages: "brp-nas latency train: ...". */
  subcommands?: readonly string[];
  run(argv: string[], io: CliIo): Promise<number>;
}

// The error a user's input causes (a bad file, an unusable output path): the CLI prints its message
// on one line and exits 1, with no stack trace. It lives on the lowest floor so that any module can
// throw it.

/** A problem with the user's data or files; the message names the file and the problem. */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}

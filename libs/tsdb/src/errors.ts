// Errors are values with a code, a message a user can act on, and where it happened.

export type StoreErrorCode =
  | 'store_corrupt' // the SQLite file or a chunk in it is damaged
  | 'store_locked' // another process holds the database
  | 'store_version' // written by a newer version of the product
  | 'store_closed'
  | 'invalid_append' // a batch that cannot be stored as given
  | 'invalid_option'
  | 'archive_write'; // a day could not be written to the cold-storage folder (it stays in the store)

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    readonly where?: string,
  ) {
    super(where ? `${message} (${where})` : message);
    this.name = 'StoreError';
  }
}

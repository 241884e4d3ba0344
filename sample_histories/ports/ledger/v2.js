/* Port of apps/ledger/v2 (webServiceMain, transfer fee; MigrateState from v1). HAND-WRITTEN. */
LedgerPort.define({ fee: true, migrate: 'fromV1' });

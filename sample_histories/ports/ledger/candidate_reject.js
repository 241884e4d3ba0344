/* Port of apps/ledger/candidate_reject (its MigrateState expects frozenAccounts in the v2 state). HAND-WRITTEN. */
LedgerPort.define({ fee: true, frozen: true, migrate: 'fromV2WithFrozen' });

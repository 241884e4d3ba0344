/* Port of apps/ledger/v1 (webServerMain, no fees). HAND-WRITTEN. */
LedgerPort.define({});

/* HAND-WRITTEN JavaScript port (not compiler output) of sample_histories/apps/ledger/v2
   webServiceMain (Platform.WebService), a transfer fee of 1; Backend.MigrateState from v1. Runtime: elm_port_lib.js + webservice_2023.js + ledger_app.js + this file. */
LedgerPort.define({ fee: true, migrate: 'fromV1' });

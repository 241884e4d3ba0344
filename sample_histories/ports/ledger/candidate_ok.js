/* HAND-WRITTEN JavaScript port (not compiler output) of sample_histories/apps/ledger/candidate_ok
   frozen accounts; Backend.MigrateState from v2. Runtime: elm_port_lib.js + webservice_2023.js + ledger_app.js + this file. */
LedgerPort.define({ fee: true, frozen: true, migrate: 'fromV2' });

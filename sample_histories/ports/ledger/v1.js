/* HAND-WRITTEN JavaScript port (not compiler output) of sample_histories/apps/ledger/v1
   webServerMain (Platform.WebServer), no fees. Runtime: elm_port_lib.js + webservice_2023.js + ledger_app.js + this file. */
LedgerPort.define({});

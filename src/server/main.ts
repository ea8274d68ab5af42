// dist/server.js: the language server on Node, as vscode-languageclient forks it (and as `node dist/server.js --stdio`).
import { startNodeServer } from './node';

startNodeServer();

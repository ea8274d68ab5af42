// The server in a browser worker (VS Code for the Web runs dist/web/server.js): the same server, files read and
// found through the client (mlPins/readFile, mlPins/findFiles).
import { BrowserMessageReader, BrowserMessageWriter, createConnection } from 'vscode-languageserver/browser';
import { startServer } from './server';

declare const self: unknown;
const worker = self as ConstructorParameters<typeof BrowserMessageReader>[0];
startServer(createConnection(new BrowserMessageReader(worker), new BrowserMessageWriter(worker)));

// Command ids the server executes (workspace/executeCommand); kept apart so the extension imports no server code.
export const FIX_ALL_COMMAND = 'mlPins.server.fixAllInWorkspace';
export const FIX_FILE_COMMAND = 'mlPins.server.fixAllInFile';

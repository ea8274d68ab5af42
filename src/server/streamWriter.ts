// LSP messages to a stream (stdio), each written at once: header and body in one buffer. vscode-jsonrpc's stream
// writer writes them one after the other, and stdout to a pipe is written synchronously on Linux and macOS, so every
// message was two system calls, each waking the client (a sixth of a warm keystroke's time in a CPU profile of
// bench/server.mts). The bytes on the wire are the same.
import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-languageserver/node';

export class OneWriteMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private errorCount = 0;

  constructor(private readonly stream: NodeJS.WritableStream) {
    super();
    stream.on('error', (error: Error) => this.fireError(error));
    stream.on('close', () => this.fireClose());
  }

  write(msg: Message): Promise<void> {
    let data: Buffer;
    try {
      const body = JSON.stringify(msg);
      const length = Buffer.byteLength(body, 'utf8');
      const header = `Content-Length: ${length}\r\n\r\n`;
      data = Buffer.allocUnsafe(header.length + length);
      data.write(header, 0, 'ascii');
      data.write(body, header.length, 'utf8');
    } catch (error) {
      return this.failed(error, msg);
    }
    return new Promise((resolve, reject) => {
      this.stream.write(data, (error?: Error | null) => (error ? this.failed(error, msg).catch(reject) : resolve()));
    });
  }

  end(): void {
    this.stream.end();
  }

  private failed(error: unknown, msg: Message): Promise<never> {
    this.errorCount++;
    this.fireError(error as Error, msg, this.errorCount);
    return Promise.reject(error);
  }
}

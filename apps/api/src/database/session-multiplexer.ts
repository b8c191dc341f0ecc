import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

// PGlite is one PostgreSQL backend: one session. `pg`-based libraries (TypeORM, pg-boss, the
// change feed) each open connections of their own, so this server gives every TCP connection
// the session in turn, the way a transaction-mode pooler gives out a server connection:
//
// - A connection takes the session when it sends a message while nobody holds it, and keeps it
//   until the backend says ReadyForQuery *idle*: a whole simple query, a whole extended-protocol
//   batch (Parse … Sync) and a whole transaction (BEGIN … COMMIT) run with nobody in between.
//   Messages of the others wait, in arrival order.
// - Named prepared statements and portals are renamed per connection, since they live in the
//   one session where two connections could pick the same name for different texts.
// - NOTIFY reaches every connection that LISTENs on its channel, whichever connection's commit
//   the backend reported it after.
// - A connection that goes away leaves no state: an unfinished batch is synced, an open
//   transaction rolled back, its prepared statements closed.
// - A connection idle inside a transaction for `idleInTransactionTimeoutMs` blocks every other
//   one, so it is ended as PostgreSQL's idle_in_transaction_session_timeout would end it.

const SSL_REQUEST = 80_877_103;
const GSSENC_REQUEST = 80_877_104;
const CANCEL_REQUEST = 80_877_102;
const PROTOCOL_3 = 196_608;
const MAX_MESSAGE_BYTES = 1 << 30;

const byte = (c: string): number => c.charCodeAt(0);
const PARSE = byte('P');
const BIND = byte('B');
const DESCRIBE = byte('D');
const CLOSE = byte('C');
const EXECUTE = byte('E');
const SYNC = byte('S');
const FLUSH = byte('H');
const QUERY = byte('Q');
const TERMINATE = byte('X');
const READY_FOR_QUERY = byte('Z');
const COMMAND_COMPLETE = byte('C');
const NOTIFICATION = byte('A');
/** Startup packets carry no type byte; they get this one internally. */
const STARTUP = 0;

type TransactionStatus = 'I' | 'T' | 'E';

export interface SessionMultiplexerOptions {
  readonly host?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly idleInTransactionTimeoutMs?: number;
  readonly maxConnections?: number;
  readonly log?: (message: string) => void;
}

export interface SessionMultiplexerStats {
  readonly connections: number;
  /** Connections with messages waiting for the session. */
  readonly waiting: number;
}

interface Frame {
  readonly type: number;
  readonly bytes: Buffer;
}

class Connection {
  inbox: Buffer = Buffer.alloc(0);
  /** Chunks of a message still incomplete, joined once it is whole (a large upload arrives in many). */
  readonly partial: Buffer[] = [];
  partialBytes = 0;
  /** Bytes the message at the head of the inbox needs in all; 0 while its header is incomplete. */
  needed = 0;
  readonly queue: Frame[] = [];
  started = false;
  closed = false;
  /** Holds the session between a message and the next idle ReadyForQuery. */
  readonly statements = new Map<string, string>();
  readonly portals = new Map<string, string>();
  readonly channels = new Set<string>();

  constructor(
    readonly id: number,
    readonly socket: Socket,
  ) {}

  write(bytes: Buffer): void {
    if (!this.closed && bytes.length > 0 && this.socket.writable) this.socket.write(bytes);
  }

  /** A name in the shared session that no other connection uses. */
  rename(kind: 'statement' | 'portal', name: string): string {
    if (name === '') return '';
    const names = kind === 'statement' ? this.statements : this.portals;
    let renamed = names.get(name);
    if (renamed === undefined) {
      renamed = `mx${this.id}_${kind === 'statement' ? 's' : 'p'}${names.size}`;
      names.set(name, renamed);
    }
    return renamed;
  }
}

function cstring(buffer: Buffer, offset: number): { readonly value: string; readonly end: number } {
  const end = buffer.indexOf(0, offset);
  if (end < 0) throw new Error('protocol violation: unterminated string');
  return { value: buffer.toString('utf8', offset, end), end: end + 1 };
}

function message(type: number, ...parts: readonly (Buffer | string)[]): Buffer {
  const body = Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(`${part}\0`, 'utf8') : part)));
  const header = Buffer.alloc(5);
  header[0] = type;
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const syncMessage = (): Buffer => message(SYNC);
const queryMessage = (sql: string): Buffer => message(QUERY, sql);
const closeStatementMessage = (name: string): Buffer => message(CLOSE, Buffer.from('S'), name);

function errorMessage(severity: 'ERROR' | 'FATAL', code: string, text: string): Buffer {
  const field = (tag: string, value: string): Buffer => Buffer.concat([Buffer.from(tag), Buffer.from(`${value}\0`, 'utf8')]);
  return message(byte('E'), field('S', severity), field('V', severity), field('C', code), field('M', text), Buffer.from([0]));
}

/** Rewrites the statement and portal names of an extended-protocol message into the connection's own. */
function renameNames(connection: Connection, frame: Frame): Frame {
  const body = frame.bytes.subarray(5);
  switch (frame.type) {
    case PARSE: {
      const name = cstring(body, 0);
      if (name.value === '') return frame;
      return { type: PARSE, bytes: message(PARSE, connection.rename('statement', name.value), body.subarray(name.end)) };
    }
    case BIND: {
      const portal = cstring(body, 0);
      const statement = cstring(body, portal.end);
      if (portal.value === '' && statement.value === '') return frame;
      return {
        type: BIND,
        bytes: message(BIND, connection.rename('portal', portal.value), connection.rename('statement', statement.value), body.subarray(statement.end)),
      };
    }
    case DESCRIBE:
    case CLOSE: {
      const kind = body[0] === byte('S') ? 'statement' : 'portal';
      const name = cstring(body, 1);
      if (name.value === '') return frame;
      return { type: frame.type, bytes: message(frame.type, body.subarray(0, 1), connection.rename(kind, name.value)) };
    }
    case EXECUTE: {
      const portal = cstring(body, 0);
      if (portal.value === '') return frame;
      return { type: EXECUTE, bytes: message(EXECUTE, connection.rename('portal', portal.value), body.subarray(portal.end)) };
    }
    default:
      return frame;
  }
}

const identifier = String.raw`("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*|\*)`;
const LISTEN_PATTERN = new RegExp(String.raw`^\s*(LISTEN|UNLISTEN)\s+${identifier}\s*;?\s*$`, 'i');

/** `LISTEN x` / `UNLISTEN x` as a whole simple query, with the channel as PostgreSQL names it. */
function listenCommand(frame: Frame): { readonly command: 'LISTEN' | 'UNLISTEN'; readonly channel: string } | undefined {
  if (frame.type !== QUERY) return undefined;
  const match = LISTEN_PATTERN.exec(cstring(frame.bytes, 5).value);
  if (!match) return undefined;
  const raw = match[2]!;
  const channel = raw.startsWith('"') ? raw.slice(1, -1).replaceAll('""', '"') : raw === '*' ? '*' : raw.toLowerCase();
  return { command: match[1]!.toUpperCase() as 'LISTEN' | 'UNLISTEN', channel };
}

/** Splits the backend's output into what the caller gets, its notifications, and the last transaction status. */
function splitOutput(output: Buffer): { readonly reply: Buffer; readonly notifications: readonly { channel: string; bytes: Buffer }[]; readonly status?: TransactionStatus } {
  const kept: Buffer[] = [];
  const notifications: { channel: string; bytes: Buffer }[] = [];
  let status: TransactionStatus | undefined;
  let offset = 0;
  let keptFrom = 0;
  while (offset + 5 <= output.length) {
    const type = output[offset]!;
    const end = offset + 1 + output.readInt32BE(offset + 1);
    if (end > output.length) break;
    if (type === READY_FOR_QUERY) status = String.fromCharCode(output[offset + 5]!) as TransactionStatus;
    if (type === NOTIFICATION) {
      kept.push(output.subarray(keptFrom, offset));
      keptFrom = end;
      const bytes = output.subarray(offset, end);
      notifications.push({ channel: cstring(bytes, 9).value, bytes });
    }
    offset = end;
  }
  kept.push(output.subarray(keptFrom));
  return { reply: kept.length === 1 ? kept[0]! : Buffer.concat(kept), notifications, ...(status ? { status } : {}) };
}

/**
 * Serves one PGlite session to many wire-protocol connections, giving it to one whole query or
 * transaction at a time (see the top of this file).
 */
export class SessionMultiplexer {
  readonly #db: PGlite;
  readonly #options: Required<Omit<SessionMultiplexerOptions, 'host' | 'port'>>;
  readonly #connections = new Set<Connection>();
  readonly #listeners = new Map<string, Set<Connection>>();
  /** Connections with messages, waiting for the session, oldest first. */
  #waiting: Connection[] = [];
  /** Connections gone while their prepared statements still sit in the session. */
  #leftovers: Connection[] = [];
  #owner: Connection | undefined;
  #status: TransactionStatus = 'I';
  #pumping: Promise<void> | undefined;
  #pumpAgain = false;
  #idleTimer: { readonly owner: Connection; readonly timer: NodeJS.Timeout } | undefined;
  #nextId = 1;
  #closing = false;
  #server: Server | undefined;

  constructor(db: PGlite, options: SessionMultiplexerOptions = {}) {
    this.#db = db;
    this.#options = {
      idleInTransactionTimeoutMs: options.idleInTransactionTimeoutMs ?? 30_000,
      maxConnections: options.maxConnections ?? 100,
      log: options.log ?? ((text) => console.warn(`[pglite] ${text}`)),
    };
  }

  /** Listens on `host:port` and returns the address (`127.0.0.1:54321`). */
  async listen(host = '127.0.0.1', port = 0): Promise<string> {
    const server = createServer((socket) => this.#accept(socket));
    server.on('error', (error) => this.#options.log(`server error: ${error.message}`));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#server = server;
    const address = server.address() as AddressInfo;
    return `${host}:${address.port}`;
  }

  get stats(): SessionMultiplexerStats {
    return { connections: this.#connections.size, waiting: this.#waiting.length };
  }

  /** Stops accepting, drops every connection and waits for the running message to finish. */
  async close(): Promise<void> {
    this.#closing = true;
    this.#stopIdleTimer();
    const server = this.#server;
    this.#server = undefined;
    for (const connection of this.#connections) this.#drop(connection);
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await this.#pumping;
  }

  #accept(socket: Socket): void {
    socket.setNoDelay(true);
    if (this.#closing || this.#connections.size >= this.#options.maxConnections) {
      socket.on('error', () => {});
      socket.end(errorMessage('FATAL', '53300', 'sorry, too many clients already'));
      return;
    }
    const connection = new Connection(this.#nextId++, socket);
    this.#connections.add(connection);
    socket.on('data', (chunk: Buffer) => this.#receive(connection, chunk));
    socket.on('error', () => this.#drop(connection));
    socket.on('close', () => this.#drop(connection));
  }

  #receive(connection: Connection, chunk: Buffer): void {
    if (connection.closed) return;
    connection.partial.push(chunk);
    connection.partialBytes += chunk.length;
    if (connection.inbox.length + connection.partialBytes < connection.needed) return;
    connection.inbox = Buffer.concat([connection.inbox, ...connection.partial]);
    connection.partial.length = 0;
    connection.partialBytes = 0;
    try {
      for (let frame = this.#nextFrame(connection); frame; frame = this.#nextFrame(connection)) {
        if (frame.type === TERMINATE) {
          this.#drop(connection);
          return;
        }
        connection.queue.push(renameNames(connection, frame));
      }
    } catch (error) {
      connection.write(errorMessage('FATAL', '08P01', (error as Error).message));
      this.#drop(connection);
      return;
    }
    if (connection.queue.length > 0 && connection !== this.#owner && !this.#waiting.includes(connection)) this.#waiting.push(connection);
    this.#pump();
  }

  /** The next complete frontend message, answering SSL / GSS requests and cancels on the way. */
  #nextFrame(connection: Connection): Frame | undefined {
    for (;;) {
      const inbox = connection.inbox;
      if (!connection.started) {
        if (inbox.length < 8) return undefined;
        const length = inbox.readInt32BE(0);
        const code = inbox.readInt32BE(4);
        if (length < 8 || length > 10_000) throw new Error('protocol violation: bad startup packet');
        if (inbox.length < length) return undefined;
        connection.inbox = inbox.subarray(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          connection.write(Buffer.from('N'));
          continue;
        }
        if (code === CANCEL_REQUEST) {
          // One session, nothing to signal: a cancel request only closes its own connection.
          this.#drop(connection);
          return undefined;
        }
        if (code !== PROTOCOL_3) throw new Error(`unsupported frontend protocol ${code >>> 16}.${code & 0xffff}`);
        connection.started = true;
        return { type: STARTUP, bytes: inbox.subarray(0, length) };
      }
      connection.needed = 0;
      if (inbox.length < 5) return undefined;
      const length = inbox.readInt32BE(1);
      if (length < 4 || length > MAX_MESSAGE_BYTES) throw new Error('protocol violation: bad message length');
      if (inbox.length < length + 1) {
        connection.needed = length + 1;
        return undefined;
      }
      connection.inbox = inbox.subarray(length + 1);
      return { type: inbox[0]!, bytes: inbox.subarray(0, length + 1) };
    }
  }

  #pump(): void {
    if (this.#closing) return;
    if (this.#pumping) {
      // Whatever woke us may have come after the running drain looked: look again after it.
      this.#pumpAgain = true;
      return;
    }
    this.#pumpAgain = false;
    this.#pumping = this.#drain()
      .catch((error: unknown) => this.#options.log(`session pump failed: ${(error as Error).stack ?? String(error)}`))
      .finally(() => {
        this.#pumping = undefined;
        if (this.#pumpAgain) this.#pump();
      });
  }

  async #drain(): Promise<void> {
    while (!this.#closing) {
      const owner = this.#owner;
      if (owner?.closed) {
        await this.#release(owner);
        continue;
      }
      if (owner) {
        if (owner.queue.length === 0) {
          this.#watchIdleOwner(owner);
          return;
        }
        await this.#runBatch(owner);
        continue;
      }
      const leftover = this.#leftovers.shift();
      if (leftover) {
        await this.#closeStatements(leftover);
        continue;
      }
      const next = this.#waiting.shift();
      if (!next) return;
      if (next.closed || next.queue.length === 0) continue;
      this.#owner = next;
    }
  }

  /**
   * Runs the owner's queued messages up to the end of one unit (a Sync, a simple query, a
   * startup or a Flush, after which the client waits for an answer) in one call.
   */
  async #runBatch(owner: Connection): Promise<void> {
    this.#stopIdleTimer();
    const first = owner.queue[0]!;
    const listen = listenCommand(first);
    if (listen?.command === 'UNLISTEN') {
      owner.queue.shift();
      // Other connections may still listen: the session keeps listening, this connection stops.
      for (const channel of listen.channel === '*' ? [...owner.channels] : [listen.channel]) this.#unlisten(owner, channel);
      const ready = Buffer.alloc(1, this.#status);
      this.#deliver(owner, Buffer.concat([message(COMMAND_COMPLETE, 'UNLISTEN'), message(READY_FOR_QUERY, ready)]));
      return;
    }
    const frames: Buffer[] = [];
    while (owner.queue.length > 0) {
      const frame = owner.queue.shift()!;
      frames.push(frame.bytes);
      if (frame.type === SYNC || frame.type === QUERY || frame.type === STARTUP || frame.type === FLUSH) break;
    }
    let output: Buffer;
    try {
      output = await this.#exec(Buffer.concat(frames));
    } catch (error) {
      this.#options.log(`connection ${owner.id}: the session failed a message: ${(error as Error).message}`);
      owner.write(errorMessage('FATAL', 'XX000', `embedded database: ${(error as Error).message}`));
      this.#drop(owner);
      return;
    }
    if (listen?.command === 'LISTEN') {
      owner.channels.add(listen.channel);
      let listeners = this.#listeners.get(listen.channel);
      if (!listeners) this.#listeners.set(listen.channel, (listeners = new Set()));
      listeners.add(owner);
    }
    this.#deliver(owner, output);
  }

  /** Sends the owner its reply, every listener its notifications, and gives the session up when idle. */
  #deliver(owner: Connection | undefined, output: Buffer): void {
    const { reply, notifications, status } = splitOutput(output);
    owner?.write(reply);
    for (const notification of notifications) {
      for (const listener of this.#listeners.get(notification.channel) ?? []) listener.write(notification.bytes);
    }
    if (status) this.#status = status;
    if (owner && owner === this.#owner && status === 'I') {
      this.#owner = undefined;
      if (owner.queue.length > 0) this.#waiting.push(owner);
    }
  }

  async #exec(bytes: Buffer): Promise<Buffer> {
    const chunks: Buffer[] = [];
    await this.#db.runExclusive(() => this.#db.execProtocolRawStream(bytes, { onRawData: (data) => chunks.push(Buffer.from(data)) }));
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  }

  /** Runs a message for nobody's reply (clean-up), still handing out its notifications. */
  async #execQuietly(bytes: Buffer): Promise<void> {
    this.#deliver(undefined, await this.#exec(bytes));
  }

  /** The owner went away: finish its batch, roll back its transaction, free the session. */
  async #release(owner: Connection): Promise<void> {
    try {
      await this.#execQuietly(syncMessage());
      if (this.#status !== 'I') await this.#execQuietly(queryMessage('ROLLBACK'));
      await this.#closeStatements(owner);
    } catch (error) {
      this.#options.log(`connection ${owner.id}: clean-up failed: ${(error as Error).message}`);
    } finally {
      this.#leftovers = this.#leftovers.filter((c) => c !== owner);
      if (this.#owner === owner) this.#owner = undefined;
    }
  }

  async #closeStatements(connection: Connection): Promise<void> {
    if (connection.statements.size === 0) return;
    const names = [...connection.statements.values()];
    connection.statements.clear();
    try {
      await this.#execQuietly(Buffer.concat([...names.map(closeStatementMessage), syncMessage()]));
    } catch (error) {
      this.#options.log(`connection ${connection.id}: closing its statements failed: ${(error as Error).message}`);
    }
  }

  #unlisten(connection: Connection, channel: string): void {
    connection.channels.delete(channel);
    const listeners = this.#listeners.get(channel);
    listeners?.delete(connection);
    if (listeners?.size === 0) this.#listeners.delete(channel);
  }

  #drop(connection: Connection): void {
    if (connection.closed) return;
    connection.closed = true;
    connection.queue.length = 0;
    connection.inbox = Buffer.alloc(0);
    connection.partial.length = 0;
    this.#connections.delete(connection);
    this.#waiting = this.#waiting.filter((c) => c !== connection);
    for (const channel of [...connection.channels]) this.#unlisten(connection, channel);
    connection.socket.destroy();
    if (this.#closing) return;
    // The owner's statements are closed when its session is released; a connection released
    // meanwhile (its last batch ended idle) leaves them to be closed later.
    if (connection.statements.size > 0) this.#leftovers.push(connection);
    this.#pump();
  }

  /** Ends a connection that keeps the session (inside a transaction or a batch) without using it. */
  #watchIdleOwner(owner: Connection): void {
    if (this.#idleTimer?.owner === owner) return;
    this.#stopIdleTimer();
    const timeoutMs = this.#options.idleInTransactionTimeoutMs;
    const timer = setTimeout(() => {
      this.#idleTimer = undefined;
      if (this.#owner !== owner || owner.queue.length > 0) return;
      this.#options.log(`connection ${owner.id}: held the one session idle for ${timeoutMs} ms (status ${this.#status}); ending it`);
      owner.write(errorMessage('FATAL', '25P03', 'terminating connection due to idle-in-transaction timeout (the embedded database has one session)'));
      this.#drop(owner);
    }, timeoutMs);
    timer.unref();
    this.#idleTimer = { owner, timer };
  }

  #stopIdleTimer(): void {
    if (this.#idleTimer) clearTimeout(this.#idleTimer.timer);
    this.#idleTimer = undefined;
  }
}

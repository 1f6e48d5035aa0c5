import { listeningInodes } from './proc';

describe('listeningInodes', () => {
  // Two sockets on port 4222 (0x107E): one listening, one an established connection.
  const tcp = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:107E 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 31337 1 0000000000000000 100 0 0 10 0',
    '   1: 0100007F:107E 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 31338 1 0000000000000000 20 4 30 10 -1',
    '   2: 00000000:2384 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0',
  ].join('\n');

  it('finds the listening socket of a port, not its connections', () => {
    expect(listeningInodes(tcp, 4222)).toEqual(['31337']);
    expect(listeningInodes(tcp, 9092)).toEqual(['4242']);
  });

  it('finds nothing on a port nobody listens on', () => {
    expect(listeningInodes(tcp, 5432)).toEqual([]);
  });
});

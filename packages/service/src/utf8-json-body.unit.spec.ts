import Fastify from 'fastify';
import { utf8JsonBodyParser } from './utf8-json-body';

describe('utf8JsonBodyParser', () => {
  const app = Fastify({ bodyLimit: 1024 });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, utf8JsonBodyParser(app));
  app.post('/', (request) => request.body);
  let url: string;
  // A real socket on 127.0.0.1 (Fastify's `inject` loads an ESM-only module Jest cannot).
  beforeAll(async () => {
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());

  const post = async (payload: Buffer | string, contentType = 'application/json') => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: payload,
    });
    return { statusCode: response.status, json: await response.json() };
  };

  it('parses UTF-8 JSON as Fastify does, every script intact', async () => {
    const response = await post(JSON.stringify({ customerId: 'José 王 😀' }));
    expect(response.statusCode).toBe(200);
    expect(response.json).toEqual({ customerId: 'José 王 😀' });
  });

  it.each([
    ['Latin-1 é', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d])],
    [
      'a lone continuation byte',
      Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0x80]), Buffer.from('"}')]),
    ],
    [
      'an encoded surrogate (CESU-8)',
      Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]),
    ],
    [
      'a truncated sequence',
      Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xe2, 0x82]), Buffer.from('"}')]),
    ],
  ])('refuses %s with a 400 instead of decoding it to U+FFFD', async (_name, payload) => {
    const response = await post(payload);
    expect(response.statusCode).toBe(400);
    expect(response.json).toMatchObject({ message: 'the body is not valid UTF-8' });
  });

  it('keeps the default protections: prototype poisoning, empty bodies, the body limit', async () => {
    expect((await post('{"__proto__":{"admin":true}}')).statusCode).toBe(400);
    expect((await post('')).statusCode).toBe(400);
    expect((await post(JSON.stringify({ a: 'x'.repeat(2048) }))).statusCode).toBe(413);
  });

  it('applies to application/json with parameters too', async () => {
    const response = await post(Buffer.from([0x22, 0xe9, 0x22]), 'application/json; charset=utf-8');
    expect(response.statusCode).toBe(400);
  });
});

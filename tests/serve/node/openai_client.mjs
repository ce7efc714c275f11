// The official `openai` npm client against a real `mmfree serve` (golden backend, an API key):
// models, completions and chat, whole and streamed, and the client's error classes for the
// server's refusals. Then SIGTERM, and the server must exit 0.
// usage: node openai_client.mjs <path of the mmfree binary> <model directory>
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const [cli, modelDir] = process.argv.slice(2);
const modelId = modelDir.replace(/\/+$/, '').split('/').pop().replace(/\.mmf$/, '');

const server = spawn(cli, ['serve', '--model', modelDir, '--backend', 'golden', '--port', '0', '--api-key', 'sesame'],
                     { stdio: ['ignore', 'pipe', 'pipe'] });
let stderr = '';
server.stderr.on('data', (d) => { stderr += d; });
const exited = new Promise((resolve) => server.on('exit', (code, signal) => resolve({ code, signal })));
const port = await new Promise((resolve, reject) => {
  let out = '';
  const timer = setTimeout(() => reject(new Error('the server did not listen in 60 s: ' + stderr)), 60000);
  server.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/listening on http:\/\/[0-9.]+:([0-9]+)/);
    if (m) { clearTimeout(timer); resolve(Number(m[1])); }
  });
  server.on('exit', () => reject(new Error('the server exited at start: ' + stderr)));
});

const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'sesame', maxRetries: 0, timeout: 60000 });
let failures = 0;
async function check(name, body) {
  try {
    await body();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}: ${e.stack || e}`);
  }
}

await check('models.list names the model', async () => {
  const ids = [];
  for await (const model of client.models.list()) ids.push(model.id);
  assert.deepEqual(ids, [modelId]);
});

let wholeText = '';
await check('completions.create', async () => {
  const c = await client.completions.create({ model: modelId, prompt: 'The jury said', max_tokens: 12, temperature: 0, ignore_eos: true });
  assert.equal(c.object, 'text_completion');
  assert.equal(c.choices[0].finish_reason, 'length');
  assert.equal(c.usage.completion_tokens, 12);
  assert.ok(c.choices[0].text.length > 0);
  wholeText = c.choices[0].text;
});

await check('completions.create streamed: the same text in chunks', async () => {
  const stream = await client.completions.create({ model: modelId, prompt: 'The jury said', max_tokens: 12, temperature: 0, ignore_eos: true, stream: true });
  let text = '';
  let chunks = 0;
  let finish = null;
  for await (const chunk of stream) {
    chunks++;
    text += chunk.choices[0].text;
    finish = chunk.choices[0].finish_reason ?? finish;
  }
  assert.equal(text, wholeText);
  assert.ok(chunks > 2, `only ${chunks} chunks`);
  assert.equal(finish, 'length');
});

await check('chat.completions.create, whole and streamed with usage', async () => {
  const messages = [{ role: 'system', content: 'A story.' }, { role: 'user', content: 'Tell me one.' }];
  const chat = await client.chat.completions.create({ model: modelId, messages, max_tokens: 10, temperature: 0, ignore_eos: true });
  assert.equal(chat.object, 'chat.completion');
  assert.equal(chat.choices[0].message.role, 'assistant');
  const stream = await client.chat.completions.create({ model: modelId, messages, max_tokens: 10, temperature: 0, ignore_eos: true,
                                                        stream: true, stream_options: { include_usage: true } });
  let text = '';
  let usage = null;
  for await (const chunk of stream) {
    if (chunk.usage) usage = chunk.usage;
    if (chunk.choices.length > 0) text += chunk.choices[0].delta.content ?? '';
  }
  assert.equal(text, chat.choices[0].message.content);
  assert.equal(usage.completion_tokens, chat.usage.completion_tokens);
});

await check('seeded sampling repeats itself', async () => {
  const ask = () => client.completions.create({ model: modelId, prompt: 'Once upon a time', max_tokens: 16, temperature: 0.9, top_p: 0.95, seed: 7 });
  const [a, b] = [await ask(), await ask()];
  assert.equal(a.choices[0].text, b.choices[0].text);
});

await check('an unknown model is NotFoundError (404)', async () => {
  await assert.rejects(client.completions.create({ model: 'gpt-4', prompt: 'x' }),
                       (e) => e instanceof OpenAI.NotFoundError && e.status === 404 && /does not exist/.test(e.message));
});

await check('a wrong type is BadRequestError (400) naming the field', async () => {
  await assert.rejects(client.completions.create({ model: modelId, prompt: 'x', temperature: 'hot' }),
                       (e) => e instanceof OpenAI.BadRequestError && e.status === 400 && e.param === 'temperature');
});

await check('a wrong key is AuthenticationError (401)', async () => {
  const stranger = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'guess', maxRetries: 0 });
  await assert.rejects(stranger.models.list(), (e) => e instanceof OpenAI.AuthenticationError && e.status === 401);
});

server.kill('SIGTERM');
const { code, signal } = await exited;
await check('SIGTERM: the server exits 0', async () => assert.equal(code, 0, `exit ${code} ${signal}: ${stderr}`));
console.log(failures === 0 ? 'all passed' : `${failures} failed`);
process.exit(failures === 0 ? 0 : 1);

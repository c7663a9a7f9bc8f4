// te_check.mjs — load threadlens traces with the DevTools trace engine
// (@paulirish/trace_engine, a third-party consumer of the Chrome JSON trace
// format) and fail on anything it complains about.
//
//   node te_check.mjs TRACE.json [TRACE2.json ...]
//
// For each file: repairs a truncated tail (a streaming trace that was not
// closed ends in ",\n" with no "]"), parses it, runs analyzeEvents(), and
// prints the entry count of every thread the engine found.
// Exit status: 0 when every file loaded cleanly; 1 when any file could not be
// read or parsed, the engine threw, the engine printed a
// "Begin/End events mismatch" line, or it found no thread at all; 2 on usage
// errors. Everything the engine printed is echoed, prefixed with "engine:".
import fs from 'node:fs';
import process from 'node:process';
import {pathToFileURL} from 'node:url';

const MISMATCH = 'Begin/End events mismatch';

// The engine calls URL.parse (Node >= 20.18); Debian 12's Node 18 lacks it.
// This is the standard's definition: new URL, or null where that throws.
if (typeof URL.parse !== 'function') {
  URL.parse = (url, base) => {
    try {
      return new URL(url, base);
    } catch {
      return null;
    }
  };
}

// Turns the text of a possibly truncated JSON-array trace into events.
export function parseTrace(text) {
  let body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw new Error('empty file');
  let repaired = false;
  if (body.trimStart().startsWith('[')) {
    body = body.replace(/\s+$/, '');
    if (!body.endsWith(']')) {
      // ",\n" after the last whole event, and no closing bracket.
      if (body.endsWith(',')) body = body.slice(0, -1);
      body += ']';
      repaired = true;
    }
  }
  const raw = JSON.parse(body);
  const events = Array.isArray(raw) ? raw : raw && raw.traceEvents;
  if (!Array.isArray(events)) {
    throw new Error('neither a JSON array nor an object with a traceEvents array');
  }
  return {events, repaired};
}

function fmt(args) {
  return args
    .map((a) => (a instanceof Error ? a.stack || String(a) : typeof a === 'string' ? a : safeJson(a)))
    .join(' ');
}

function safeJson(v) {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

// Runs fn() with console.log/info/warn/error/debug captured; returns the lines.
async function captureConsole(fn) {
  const names = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'assert'];
  const saved = {};
  const lines = [];
  for (const n of names) {
    saved[n] = console[n];
    console[n] = (...args) => {
      if (n === 'assert') {
        if (args[0]) return;
        args = ['Assertion failed:', ...args.slice(1)];
      }
      lines.push(`${n}: ${fmt(args)}`);
    };
  }
  try {
    const result = await fn();
    return {result, lines};
  } catch (e) {
    e.capturedLines = lines;
    throw e;
  } finally {
    for (const n of names) console[n] = saved[n];
  }
}

async function checkFile(analyzeEvents, file) {
  const problems = [];
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return [`cannot read: ${e.message}`];
  }
  let parsed;
  try {
    parsed = parseTrace(text);
  } catch (e) {
    return [`not loadable JSON: ${e.message}`];
  }
  const {events, repaired} = parsed;
  console.log(`${file}: ${events.length} events${repaired ? ' (repaired truncated tail)' : ''}`);

  let out;
  try {
    out = await captureConsole(() => analyzeEvents(events));
  } catch (e) {
    for (const l of e.capturedLines || []) console.log(`  engine: ${l}`);
    return [`trace engine threw: ${e && e.stack ? e.stack : e}`];
  }
  const MAX_ECHO = 40;
  out.lines.slice(0, MAX_ECHO).forEach((l) => console.log(`  engine: ${l}`));
  if (out.lines.length > MAX_ECHO) {
    console.log(`  engine: ... ${out.lines.length - MAX_ECHO} more lines`);
  }
  const mismatches = out.lines.filter((l) => l.includes(MISMATCH));
  if (mismatches.length) {
    problems.push(`${mismatches.length} "${MISMATCH}" line(s) from the engine, the first: ${mismatches[0]}`);
  }

  const processes = out.result.parsedTrace.data.Renderer.processes;
  let threads = 0;
  for (const [pid, p] of processes) {
    for (const [tid, t] of p.threads) {
      threads++;
      console.log(`  pid ${pid} tid ${tid} ${JSON.stringify(t.name ?? null)}: ${t.entries.length} entries`);
    }
  }
  if (threads === 0) problems.push('the engine found no thread in the trace');
  return problems;
}

async function main(argv) {
  if (argv.length === 0 || argv.includes('-h') || argv.includes('--help')) {
    console.error('usage: node te_check.mjs TRACE.json [TRACE.json ...]');
    return 2;
  }
  let analyzeEvents;
  try {
    ({analyzeEvents} = await import('@paulirish/trace_engine/analyze-trace.mjs'));
  } catch (e) {
    console.error(`te_check: cannot load @paulirish/trace_engine (run scripts/install-deps.sh): ${e.message}`);
    return 1;
  }
  let failed = 0;
  for (const file of argv) {
    const problems = await checkFile(analyzeEvents, file);
    if (problems.length) {
      failed++;
      for (const p of problems) console.log(`FAIL ${file}: ${p}`);
    } else {
      console.log(`ok ${file}`);
    }
  }
  console.log(`te_check: ${argv.length - failed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

// Only run as a program (the module can also be imported for parseTrace).
if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}

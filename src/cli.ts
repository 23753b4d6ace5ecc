#!/usr/bin/env node
// The `postfeed` executable: install signal handlers, run the command line, set the exit code.
import module from 'node:module';

// Node ≥ 22.1 can cache compiled modules across runs: a CLI run in CI starts noticeably faster.
// Enabled before the rest of postfeed is imported, so it covers those modules too.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const { installSignalHandlers, main, processTerminal } = await import('./cli/main.js');
const terminal = processTerminal();
installSignalHandlers(terminal);
process.exitCode = await main(process.argv.slice(2), terminal);

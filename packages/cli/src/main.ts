// dynamodb-operator: validate manifests, print the CRDs, render the AWS requests.
import { runCrds } from './commands/crds.ts';
import { runDocs } from './commands/docs.ts';
import { runRender } from './commands/render.ts';
import { runValidate } from './commands/validate.ts';
import { EXIT_OK, EXIT_USAGE, processIo, UsageError } from './io.ts';
import type { Io } from './io.ts';

export const HELP = `Usage: dynamodb-operator COMMAND [options]

Commands:
  validate [--output text|json] FILE...   check manifests (exit 0 valid, 1 invalid, 2 usage/YAML error)
  crds [--write DIR | --check DIR]        print, write or check the CustomResourceDefinitions
  render [--output yaml|json] FILE...     print the AWS requests a table would produce
  docs [reference|rules] [--write FILE | --check FILE]   print, write or check a generated docs page

Run "dynamodb-operator COMMAND --help" for a command's options.`;

const COMMANDS: Record<string, (args: string[], io: Io) => Promise<number>> = {
  validate: runValidate,
  crds: runCrds,
  render: runRender,
  docs: runDocs,
};

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(HELP);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.err(`unknown command "${command}"\n\n${HELP}`);
    return EXIT_USAGE;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown or malformed options.
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (error instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${(error as Error).message}\nRun "dynamodb-operator ${command} --help" for usage.`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2), processIo());

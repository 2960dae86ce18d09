/**
 * `npm run -s atp -- FILE.json`: evaluate one scenario (scenario-format.md) and print one JSON
 * document. Exit 0 on success; 2 with the field path on stderr (and nothing on stdout) when the
 * file is missing or the scenario is invalid.
 */
import { readFile } from "node:fs/promises";
import { evaluate, parseScenario, ScenarioError } from "../app/domain/index";

async function main(argv: string[]): Promise<number> {
  const args = argv.filter((a) => a !== "--");
  if (args.length !== 1) {
    process.stderr.write("usage: npm run -s atp -- FILE.json\n");
    return 2;
  }
  const file = args[0];
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    process.stderr.write(`${file}: cannot read scenario file (${err.code ?? err.message})\n`);
    return 2;
  }
  let output: string;
  try {
    output = JSON.stringify(evaluate(parseScenario(text)), null, 2);
  } catch (e) {
    if (e instanceof ScenarioError) {
      process.stderr.write(`${file}: invalid scenario\n${e.message}\n`);
      return 2;
    }
    throw e;
  }
  process.stdout.write(output + "\n");
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`atp: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);

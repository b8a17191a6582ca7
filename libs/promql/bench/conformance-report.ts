// Prints the conformance tally per file and every failing case with its reason.
//   npx tsx libs/promql/bench/conformance-report.ts [file ...]
import { CORE_FILES, EXPERIMENTAL_FILES, formatReport, runCorpusFile } from '../conformance/corpus.ts';

const files = process.argv.slice(2);
const core = (files.length ? files : CORE_FILES).map(runCorpusFile);
console.log(`core files\n${formatReport(core)}`);
if (!files.length) console.log(`\nexperimental files\n${formatReport(EXPERIMENTAL_FILES.map(runCorpusFile))}`);
for (const r of core) for (const o of r.outcomes) if (o.status === 'fail') console.log(`${r.file}:${o.line}: ${o.query}\n    ${o.reason}`);

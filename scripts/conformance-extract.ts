// Regenerates test/conformance/examples.json from the reference documents (REFERENCE_DIR, default
// /work/shared/reference): every JSON example and event XML with its document and line.
//   npx tsx scripts/conformance-extract.ts
import { writeFileSync } from 'node:fs'
import { EXAMPLES_FILE, extractAll, REFERENCE_DIR } from '../test/conformance/corpus'

const corpus = extractAll(REFERENCE_DIR)
writeFileSync(EXAMPLES_FILE, `${JSON.stringify(corpus, null, 1)}\n`)
console.log(
  `${corpus.examples.length} examples, ${Object.keys(corpus.endpoints).length} APIs, ${Object.keys(corpus.events).length} events from ${REFERENCE_DIR} → ${EXAMPLES_FILE}`,
)

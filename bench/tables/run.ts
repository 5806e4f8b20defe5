import { accuracy, runTableSet } from './run-table-set.js';

// npm run eval:tables — exact-match accuracy of table answers per category, misses listed.
const cases = await runTableSet();
for (const [category, { right, total }] of Object.entries(accuracy(cases)))
  console.log(`${category.padEnd(11)} ${right}/${total}  ${((100 * right) / total).toFixed(1)}%`);
for (const miss of cases.filter((item) => !item.ok))
  console.log(
    `MISS [${miss.category}] ${miss.question}\n  gold ${JSON.stringify(miss.gold)}\n  lore ${JSON.stringify(miss.lore)} (${miss.reason})`,
  );

// DuckDB's side of bench/peers.sh: the same table as ifs-shares computes, from the
// export itself.  usage: node peers-duckdb.mjs EXPORT > table.tsv
// Per insats x question, among group "Avslutad" in mätår 2022 (2021-11-01..2022-10-31):
// n = answers on the six-level scale, pos = the top two levels (klart positivt), and
// the same for women and men.
import { DuckDBInstance } from '@duckdb/node-api';

const file = process.argv[2];
const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const connection = await instance.connect();
const questions = ['nytta', 'tillvara', 'redo', 'hantera', 'sammanhang', 'plan', 'tid', 'kontakter', 'bemotande', 'inflytande'];
const columns = questions.map((q, i) => `F${i + 1} AS ${q}`).join(', ');
const sql = `
WITH answers AS (
  SELECT Insats AS insats, "Kön" AS gender, question,
         CASE answer WHEN 'Inte alls' THEN 1 WHEN 'Till liten del' THEN 2 WHEN 'Till viss del' THEN 3
                     WHEN 'Till stor del' THEN 4 WHEN 'Till mycket stor del' THEN 5 WHEN 'Helt och hållet' THEN 6
                     ELSE NULL END AS level
  FROM (SELECT Insats, "Kön", ${columns}
        FROM read_csv('${file.replace(/'/g, "''")}', delim = ';', header = true, all_varchar = true)
        WHERE "Enkät" = 'Avslutad'
          AND CAST(Svarsdatum AS DATE) BETWEEN DATE '2021-11-01' AND DATE '2022-10-31')
  UNPIVOT (answer FOR question IN (${questions.join(', ')}))
)
SELECT insats, question,
       count(level) AS n, count(level) FILTER (level >= 5) AS pos,
       count(level) FILTER (gender = 'Kvinna') AS n_women,
       count(level) FILTER (gender = 'Kvinna' AND level >= 5) AS pos_women,
       count(level) FILTER (gender = 'Man') AS n_men,
       count(level) FILTER (gender = 'Man' AND level >= 5) AS pos_men
FROM answers GROUP BY insats, question ORDER BY insats, question`;
const reader = await connection.runAndReadAll(sql);
for (const row of reader.getRows())
  process.stdout.write(row.map(String).join('\t') + '\n');

// Parses PowerShell files (.ps1, .psm1, .psd1) with tree-sitter-powershell and reports every syntax error.
// Usage: node check-powershell.mjs [--root DIR] [FILE...]   (no files: every PowerShell file under DIR)
// Exit 0: all parsed cleanly. 1: syntax errors. 2: bad usage or an unreadable file.
import Parser from 'tree-sitter';
import PowerShell from 'tree-sitter-powershell';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, extname } from 'node:path';

const extensions = new Set(['.ps1', '.psm1', '.psd1']);
const skipDirs = new Set(['node_modules', 'bin', 'obj', 'out', '.git', 'Fixtures']);

function findFiles(dir) {
  const found = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const stat = statSync(path);
    if (stat.isDirectory()) {
      if (!skipDirs.has(entry)) found.push(...findFiles(path));
    } else if (extensions.has(extname(entry).toLowerCase())) {
      found.push(path);
    }
  }
  return found;
}

const args = process.argv.slice(2);
let root = process.cwd();
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--root') root = args[++i];
  else files.push(args[i]);
}

const targets = files.length > 0 ? files : findFiles(root);
if (targets.length === 0) {
  console.error('check-powershell: no PowerShell files found.');
  process.exit(2);
}

const parser = new Parser();
parser.setLanguage(PowerShell);
let errors = 0;
for (const file of targets) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    console.error(`check-powershell: cannot read ${file}: ${e.message}`);
    process.exit(2);
  }
  // The native binding takes a callback for large inputs; strings above 32 KiB must be fed in chunks.
  const tree = parser.parse((index) => text.slice(index, index + 16384));
  const problems = [];
  const walk = (node) => {
    if (node.type === 'ERROR' || node.isMissing) problems.push(node);
    else for (const child of node.children) walk(child);
  };
  walk(tree.rootNode);
  const name = relative(root, file) || file;
  if (problems.length === 0) {
    console.log(`ok    ${name}`);
  } else {
    errors += problems.length;
    for (const p of problems) {
      const what = p.isMissing ? `missing ${p.type}` : `unexpected ${JSON.stringify(p.text.split('\n')[0].slice(0, 40))}`;
      console.log(`ERROR ${name}:${p.startPosition.row + 1}:${p.startPosition.column + 1}: ${what}`);
    }
  }
}
console.log(`${targets.length} file(s) checked, ${errors} syntax error(s).`);
process.exit(errors > 0 ? 1 : 0);

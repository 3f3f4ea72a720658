// Written by autofix outside the repository and loaded with --test-reporter: one JSON line
// per finished test, with the file it came from, and a last line once the run has ended.
export default async function* autofixReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const data = event.data;
    yield JSON.stringify({
      event: event.type === 'test:pass' ? 'pass' : 'fail',
      name: String(data.name),
      nesting: data.nesting,
      file: data.file ?? null,
      skip: data.skip !== undefined && data.skip !== false,
      todo: data.todo !== undefined && data.todo !== false,
      suite: Boolean(data.details && data.details.type === 'suite'),
    }) + '\n';
  }
  yield JSON.stringify({ event: 'end' }) + '\n';
}

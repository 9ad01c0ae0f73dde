import { journalContract } from './journal-contract.js';
import { MemoryJournal } from './memory-journal.js';

journalContract('MemoryJournal', async () => {
  const journal = new MemoryJournal();
  return { journal, dispose: () => journal.close() };
});

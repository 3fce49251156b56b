import { describe, expect, it } from 'vitest';
import { getRegistryDoc, listRegistryDocs, putRegistryDoc, updateRegistryDoc } from '../../../src/storage/registry';
import { freshDb } from './helpers';

describe('registry documents', () => {
  it('puts, reads, lists by prefix and updates atomically', async () => {
    const db = await freshDb();
    await putRegistryDoc(db, 'models/ensemble', { active: 'v1', history: ['v1'] }, '2024-01-01T00:00:00Z');
    await putRegistryDoc(db, 'strategies', { active: null, history: [] }, '2024-01-01T00:00:00Z');
    expect((await getRegistryDoc(db, 'models/ensemble'))?.value).toEqual({ active: 'v1', history: ['v1'] });
    expect((await listRegistryDocs(db, 'models/')).map((d) => d.key)).toEqual(['models/ensemble']);
    expect(await listRegistryDocs(db)).toHaveLength(2);
    // two concurrent read-modify-writes: both appends survive
    const append = (v: string) =>
      updateRegistryDoc(
        db,
        'models/ensemble',
        (cur) => {
          const c = cur as { active: string; history: string[] };
          return { active: v, history: [...c.history, v] };
        },
        '2024-01-02T00:00:00Z',
      );
    await Promise.all([append('v2'), append('v3')]);
    const doc = await getRegistryDoc(db, 'models/ensemble');
    expect(doc?.value).toEqual({ active: 'v3', history: ['v1', 'v2', 'v3'] });
    expect(doc?.updatedAt).toBe('2024-01-02T00:00:00Z');
    db.close();
  });
});

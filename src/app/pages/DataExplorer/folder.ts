/**
 * Files from a drop or a folder picker, with their paths inside the chosen folder. Dropped
 * folders are walked with the (widely supported) FileSystemEntry API.
 */
import type { ImportFileInput } from '../../../workers/api';

interface FsEntry {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  fullPath: string;
}
interface FsFileEntry extends FsEntry {
  file(ok: (f: File) => void, fail: (e: unknown) => void): void;
}
interface FsDirEntry extends FsEntry {
  createReader(): { readEntries(ok: (es: FsEntry[]) => void, fail: (e: unknown) => void): void };
}

/** Most files a folder import accepts (the original cache has one pair per ticker). */
export const MAX_FOLDER_FILES = 5000;

function fromFile(f: File, path?: string): ImportFileInput {
  const rel = path ?? ((f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name);
  return { blob: f, name: f.name, path: rel.replace(/^\/+/, ''), lastModified: f.lastModified };
}

export function filesFromList(list: FileList | File[]): ImportFileInput[] {
  return Array.from(list, (f) => fromFile(f));
}

async function walk(entry: FsEntry, out: ImportFileInput[]): Promise<void> {
  if (out.length > MAX_FOLDER_FILES) throw new Error(`the folder has more than ${MAX_FOLDER_FILES} files; choose a smaller folder`);
  if (entry.isFile) {
    const f = await new Promise<File>((ok, fail) => (entry as FsFileEntry).file(ok, fail));
    out.push(fromFile(f, entry.fullPath));
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FsDirEntry).createReader();
  // readEntries returns batches (100 in Chromium) until it returns an empty one
  for (;;) {
    const batch = await new Promise<FsEntry[]>((ok, fail) => reader.readEntries(ok, fail));
    if (batch.length === 0) break;
    for (const e of batch) await walk(e, out);
  }
}

/** Files of a drop; `folder` is true when a directory was dropped. */
export async function filesFromDrop(dt: DataTransfer): Promise<{ files: ImportFileInput[]; folder: boolean }> {
  const entries: FsEntry[] = [];
  for (const item of Array.from(dt.items ?? [])) {
    const get = (item as DataTransferItem & { webkitGetAsEntry?: () => FsEntry | null }).webkitGetAsEntry;
    const e = item.kind === 'file' && get ? get.call(item) : null;
    if (e) entries.push(e);
  }
  if (entries.length === 0 || !entries.some((e) => e.isDirectory)) return { files: filesFromList(dt.files), folder: false };
  const out: ImportFileInput[] = [];
  for (const e of entries) await walk(e, out);
  return { files: out, folder: true };
}

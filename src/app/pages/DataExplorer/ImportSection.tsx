import { createSignal, For, type JSX } from 'solid-js';
import { TIMEFRAMES, type Timeframe } from '../../../engine/contracts';
import type { ImportFileInput } from '../../../workers/api';
import { Icon } from '../../components/Icon';
import { Section } from '../../components/Section';
import { filesFromDrop, filesFromList } from './folder';

export interface ImportRequest {
  files: ImportFileInput[];
  mode: 'files' | 'folder';
  timeframe?: Timeframe;
}

/**
 * Drop zone, file picker and folder picker (the original system's cache folder). The
 * timeframe is detected from the timestamps unless the user picks one.
 */
export function ImportSection(props: {
  onImport: (req: ImportRequest) => void;
  onError: (e: unknown) => void;
  busy: boolean;
  ref?: (api: { focus(): void; pick(): void }) => void;
  children?: JSX.Element;
}): JSX.Element {
  const [dragOver, setDragOver] = createSignal(false);
  const [timeframe, setTimeframe] = createSignal<Timeframe | 'auto'>('auto');
  let dropzone: HTMLButtonElement | undefined;
  let fileInput: HTMLInputElement | undefined;
  let folderInput: HTMLInputElement | undefined;
  props.ref?.({ focus: () => dropzone?.focus(), pick: () => fileInput?.click() });

  const submit = (files: ImportFileInput[], mode: 'files' | 'folder') => {
    if (files.length === 0) return;
    const tf = timeframe();
    props.onImport({ files, mode, timeframe: tf === 'auto' ? undefined : tf });
  };

  return (
    <Section
      title="Import"
      id="import"
      tools={
        <label class="field-row">
          <span class="hint">Timeframe</span>
          <select class="select" data-testid="import-timeframe" value={timeframe()} onChange={(e) => setTimeframe(e.currentTarget.value as Timeframe | 'auto')}>
            <option value="auto">detect from timestamps</option>
            <For each={TIMEFRAMES}>{(tf) => <option value={tf}>{tf}</option>}</For>
          </select>
        </label>
      }
    >
      <div class="stack">
        <button
          type="button"
          ref={dropzone}
          class="dropzone"
          classList={{ over: dragOver() }}
          aria-label="Import files: drop CSV, Parquet or Arrow files (or a cache folder) here, or press Enter to choose files"
          data-testid="import-dropzone"
          onDragOver={(e) => {
            e.preventDefault();
            setDragOver(true);
          }}
          onDragLeave={() => setDragOver(false)}
          onDrop={(e) => {
            e.preventDefault();
            setDragOver(false);
            const dt = e.dataTransfer;
            if (!dt) return;
            filesFromDrop(dt).then(({ files, folder }) => submit(files, folder ? 'folder' : 'files'), props.onError);
          }}
          onClick={() => fileInput?.click()}
        >
          <Icon name="upload" size={22} />
          <span style={{ display: 'block', margin: '8px 0 0' }}>
            Drop CSV, Parquet or Arrow IPC files of OHLCV bars here — or a folder of the original cache — or choose files.
          </span>
          <span class="hint" style={{ display: 'block', margin: '4px 0 0' }}>
            One dataset per ticker and timeframe; multi-ticker files are split. A failed import never changes stored data.
          </span>
        </button>
        <div class="field-row" style={{ gap: '8px', 'flex-wrap': 'wrap' }}>
          <button type="button" class="btn btn-primary" data-testid="import-choose-files" disabled={props.busy} onClick={() => fileInput?.click()}>
            Choose files…
          </button>
          <button type="button" class="btn" data-testid="import-choose-folder" disabled={props.busy} onClick={() => folderInput?.click()}>
            Import cache folder…
          </button>
          <span class="hint">Folder import reads TICKER_1d.parquet + TICKER_1d.meta.json (legacy sidecars too; canonical wins).</span>
        </div>
        <input
          ref={fileInput}
          type="file"
          multiple
          accept=".csv,.parquet,.pq,.arrow,.arrows,.ipc,.feather,text/csv"
          class="sr-only"
          tabindex="-1"
          aria-label="Choose files to import"
          data-testid="import-input"
          onChange={(e) => {
            const files = e.currentTarget.files;
            if (files && files.length > 0) submit(filesFromList(files), 'files');
            e.currentTarget.value = '';
          }}
        />
        <input
          ref={(el) => {
            folderInput = el;
            el.setAttribute('webkitdirectory', '');
          }}
          type="file"
          multiple
          class="sr-only"
          tabindex="-1"
          aria-label="Choose a cache folder to import"
          data-testid="import-folder-input"
          onChange={(e) => {
            const files = e.currentTarget.files;
            if (files && files.length > 0) submit(filesFromList(files), 'folder');
            e.currentTarget.value = '';
          }}
        />
        {props.children}
      </div>
    </Section>
  );
}

import type { JSX } from 'solid-js';
import { PageHeader } from '../components/PageHeader';
import { Panel } from '../components/Panel';
import { Section } from '../components/Section';
import { pageById } from '../pages';
import { empty, GO_MODEL_LAB, jobAvailable, notInBuild } from './common';

const NO_SIGNALS = 'No signals available. Generate predictions first.';
const NEEDS_MODEL = 'Signals need a trained ensemble model and current features — never demo signals.';

export default function SignalDeskPage(): JSX.Element {
  const page = pageById('signalDesk');
  return (
    <div class="page">
      <PageHeader title={page.title} subtitle="Current predictions for the universe: ranking, distribution and ensemble disagreement" />
      <Section title="Generate Signals">
        <p class="hint" style={{ margin: 0 }}>
          {jobAvailable('predict') ? 'Pick a horizon and Top-N, then generate.' : notInBuild('Generating signals', 'predict')}
        </p>
      </Section>
      <Panel title="Signal Rankings" state={empty(NO_SIGNALS, [GO_MODEL_LAB], NEEDS_MODEL)} />
      <div class="grid-2">
        <Panel title="Predicted Return Distribution" state={empty(NO_SIGNALS, [GO_MODEL_LAB])} />
        <Panel title="Confidence vs Predicted Return" state={empty(NO_SIGNALS, [GO_MODEL_LAB])} />
      </div>
      <Panel title="Ensemble Disagreement" state={empty('No ensemble member data available', [GO_MODEL_LAB], NEEDS_MODEL)} />
    </div>
  );
}

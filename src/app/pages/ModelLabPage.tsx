import { type JSX, Match, Switch } from 'solid-js';
import { PageHeader } from '../components/PageHeader';
import { Panel } from '../components/Panel';
import { Section } from '../components/Section';
import { type TabDef, Tabs, useTab } from '../components/Tabs';
import { pageById } from '../pages';
import { empty, GO_DATA, jobAvailable, notInBuild } from './common';
import { FeaturesTab } from './ModelLabFeatures';
import { RegimeTab } from './ModelLabRegime';

type LabTab = 'features' | 'diff' | 'regime' | 'training';
const TABS: readonly TabDef<LabTab>[] = [
  { id: 'features', label: 'Features' },
  { id: 'diff', label: 'Feature Diff' },
  { id: 'regime', label: 'Regime' },
  { id: 'training', label: 'Training' },
];

const NO_MODEL = 'Feature importance needs a trained model — none yet';
const NO_MODEL_DETAIL = 'Importances (global and per regime) come from a trained model version; training is not part of this build yet.';

export default function ModelLabPage(): JSX.Element {
  const page = pageById('modelLab');
  const [tab, setTab] = useTab(TABS, 'features');
  return (
    <div class="page">
      <PageHeader title={page.title} subtitle="Feature analysis, regime detection, and model training" />
      <Tabs tabs={TABS} value={tab()} onChange={setTab} label="Model Lab views" idPrefix="lab">
        {(t) => (
          <Switch>
            <Match when={t === 'features'}>
              <FeaturesTab />
              <div class="grid-2">
                <Panel title="Global Feature Importance (Top 20)" slug="global-feature-importance" state={empty(NO_MODEL, undefined, NO_MODEL_DETAIL)} />
                <Panel title="Regime Feature Heatmap" state={empty(NO_MODEL, undefined, NO_MODEL_DETAIL)} />
              </div>
            </Match>
            <Match when={t === 'diff'}>
              <Panel title="Feature Diff" state={empty('No previous model version to compare', undefined, 'The diff compares feature importances of two trained model versions.')} />
            </Match>
            <Match when={t === 'regime'}>
              <RegimeTab />
            </Match>
            <Match when={t === 'training'}>
              <Section title="Training Configuration">
                <p class="hint" style={{ margin: 0 }}>
                  {jobAvailable('train')
                    ? 'Configure horizons, feature mode and universe, then train.'
                    : `${notInBuild('Training', 'train')} No Train button is shown until it can actually train.`}
                </p>
              </Section>
              <Panel title="Model Version History" state={empty('No model versions yet', [GO_DATA], 'Trained versions are listed here with CV gap, holdout R² and IC.')} />
            </Match>
          </Switch>
        )}
      </Tabs>
    </div>
  );
}

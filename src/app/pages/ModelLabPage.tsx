import { type JSX, Match, Switch } from 'solid-js';
import { PageHeader } from '../components/PageHeader';
import { type TabDef, Tabs, useTab } from '../components/Tabs';
import { pageById } from '../pages';
import { FeaturesTab } from './ModelLabFeatures';
import { FeatureDiffTab, ModelImportancePanels } from './ModelLabImportance';
import { RegimeTab } from './ModelLabRegime';
import { TrainingTab } from './ModelLabTraining';

type LabTab = 'features' | 'diff' | 'regime' | 'training';
const TABS: readonly TabDef<LabTab>[] = [
  { id: 'features', label: 'Features' },
  { id: 'diff', label: 'Feature Diff' },
  { id: 'regime', label: 'Regime' },
  { id: 'training', label: 'Training' },
];

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
              <ModelImportancePanels />
            </Match>
            <Match when={t === 'diff'}>
              <FeatureDiffTab />
            </Match>
            <Match when={t === 'regime'}>
              <RegimeTab />
            </Match>
            <Match when={t === 'training'}>
              <TrainingTab />
            </Match>
          </Switch>
        )}
      </Tabs>
    </div>
  );
}

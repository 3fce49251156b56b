/**
 * The dashboard tabs fed by the latest backtest run. Its own chunk: the trades table and
 * risk charts load only when one of these tabs opens.
 */
import type { JSX } from 'solid-js';
import { EquityPanels, RiskPanels, TradesPanel } from '../../components/backtest/BacktestResults';
import type { PanelState } from '../../components/Panel';

export function OverviewTab(props: { state: PanelState }): JSX.Element {
  return <EquityPanels state={props.state} />;
}

export function TradeLogTab(props: { state: PanelState }): JSX.Element {
  return <TradesPanel title="Trade Log" state={props.state} />;
}

export function RiskTab(props: { state: PanelState }): JSX.Element {
  return <RiskPanels state={props.state} />;
}

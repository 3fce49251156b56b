/** The few calls the IV page makes into the Plotly gl3d partial bundle (it ships no types). */
declare module 'plotly.js-gl3d-dist-min' {
  interface PlotlyStatic {
    react(el: HTMLElement, data: object[], layout: object, config?: object): Promise<unknown>;
    purge(el: HTMLElement): void;
    Plots: { resize(el: HTMLElement): Promise<unknown> | undefined };
  }
  const Plotly: PlotlyStatic;
  export default Plotly;
}

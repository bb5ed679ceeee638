/**
 * The part of blessed-contrib the TUI uses: the sparkline widget, imported from its own module so
 * that the maps, pictures and fonts of the package index are not loaded at startup. (The package's
 * index.d.ts types only the index, and its sparkline options as a canvas, which it is not.)
 */
declare module "blessed-contrib/lib/widget/sparkline.js" {
  import type { Widgets } from "blessed";

  namespace sparkline {
    interface SparklineOptions extends Widgets.BoxOptions {
      /** Colour of the series titles (blessed colour name); default white. */
      style?: Widgets.BoxOptions["style"] & { titleFg?: string };
    }
    /** A box showing, per series, a bold title line then one block character per value. */
    interface SparklineElement extends Widgets.BoxElement {
      /** One title and one series of values each; values beyond the widget's width - 2 are cut. */
      setData(titles: string[], datasets: number[][]): void;
    }
  }
  /** Creates the widget (with or without `new`). */
  function sparkline(options?: sparkline.SparklineOptions): sparkline.SparklineElement;
  export = sparkline;
}

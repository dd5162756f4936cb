//! The map options `allot map`, `plan --map` and `validate --map` share: one clap struct,
//! flattened into each command, turned into the library's [`allot::render::MapOptions`] in one
//! place ([`MapArgs::options`]), so the three commands draw the same map from the same flags.

/// Map options (title, colours, labels, size, page, window).
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Map options")]
pub struct MapArgs {
    /// Map title (default: the data's metadata title, else the file name).
    #[arg(long)]
    pub title: Option<String>,
    /// Colour parcels by `zone`, `land_use`, `area` (a ramp) or any other property.
    #[arg(
        long,
        default_value = "zone",
        value_name = "zone|land_use|area|PROPERTY"
    )]
    pub color_by: String,
    /// Colour at most N classes and merge the rest into one "other" class (default: every
    /// class its own colour, patterned past 12).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_classes: Option<u32>,
    /// Label parcels with their id, name, area, or nothing.
    #[arg(long, value_enum, default_value = "none")]
    pub labels: Labels,
    /// Width of the map in pixels (without --page).
    #[arg(long, default_value_t = 1200, value_parser = clap::value_parser!(u32).range(200..=20000))]
    pub width: u32,
    /// Resolution of a PNG map in dots per inch (96: one pixel per SVG pixel).
    #[arg(long, default_value_t = 96.0)]
    pub dpi: f64,
    /// Lay the map out on a print page (title block, legend, scale bar and a round
    /// representative fraction such as 1:25,000 that is right on the printed page).
    #[arg(long, value_enum, value_name = "A4|A3|A2|A1")]
    pub page: Option<Paper>,
    /// With --page: long side horizontal.
    #[arg(long, requires = "page")]
    pub landscape: bool,
    /// Date printed in the title block (default: the data's metadata.date; never the clock).
    #[arg(long)]
    pub date: Option<String>,
    /// A note printed in the title block.
    #[arg(long)]
    pub note: Option<String>,
    /// Map only this window, in degrees; an inset shows the whole site.
    #[arg(long, value_name = "W,S,E,N", value_parser = parse_bbox, conflicts_with = "focus")]
    pub bbox: Option<[f64; 4]>,
    /// Map only this zone's parcels (with a margin); an inset shows the whole site.
    #[arg(long, value_name = "ZONE")]
    pub focus: Option<String>,
}

/// Paper sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Paper {
    /// 210 × 297 mm.
    #[value(name = "A4", alias = "a4")]
    A4,
    /// 297 × 420 mm.
    #[value(name = "A3", alias = "a3")]
    A3,
    /// 420 × 594 mm.
    #[value(name = "A2", alias = "a2")]
    A2,
    /// 594 × 841 mm.
    #[value(name = "A1", alias = "a1")]
    A1,
}

/// What to write on each parcel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Labels {
    /// The parcel id.
    Id,
    /// The `name` property.
    Name,
    /// The parcel's area in acres.
    Area,
    /// No labels.
    None,
}

impl From<Labels> for allot::render::LabelKind {
    fn from(l: Labels) -> Self {
        match l {
            Labels::Id => allot::render::LabelKind::Id,
            Labels::Name => allot::render::LabelKind::Name,
            Labels::Area => allot::render::LabelKind::Area,
            Labels::None => allot::render::LabelKind::None,
        }
    }
}

impl From<Paper> for allot::render::page::Paper {
    fn from(p: Paper) -> Self {
        match p {
            Paper::A4 => allot::render::page::Paper::A4,
            Paper::A3 => allot::render::page::Paper::A3,
            Paper::A2 => allot::render::page::Paper::A2,
            Paper::A1 => allot::render::page::Paper::A1,
        }
    }
}

/// Parses `W,S,E,N` (four numbers).
fn parse_bbox(s: &str) -> Result<[f64; 4], String> {
    let v: Vec<f64> = s
        .split(',')
        .map(|x| x.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("expected W,S,E,N (four numbers), got {s:?}"))?;
    <[f64; 4]>::try_from(v).map_err(|_| format!("expected W,S,E,N (four numbers), got {s:?}"))
}

impl MapArgs {
    /// The library's map options for these flags, with `targets` (zone target areas in acres)
    /// shown in the legend, and areas in `units` (each command's own `--units`).
    pub fn options(
        &self,
        targets: Vec<(String, f64)>,
        units: allot::AreaUnit,
    ) -> allot::render::MapOptions {
        allot::render::MapOptions {
            title: self.title.clone(),
            color_by: self.color_by.clone(),
            labels: self.labels.into(),
            width: self.width,
            targets,
            dpi: self.dpi,
            max_classes: self.max_classes.map(|n| n as usize),
            page: self.page.map(|p| allot::render::page::PageSpec {
                paper: p.into(),
                landscape: self.landscape,
            }),
            date: self.date.clone(),
            note: self.note.clone(),
            bbox: self.bbox,
            focus: self.focus.clone(),
            units,
            class_styles: Default::default(),
            legend_notes: Vec::new(),
        }
    }

    /// The first map flag given away from its default, as it is spelt on the command line
    /// (for `plan` and `validate`, which refuse map flags without `--map`).
    pub fn first_given(&self) -> Option<&'static str> {
        let set = [
            (self.title.is_some(), "--title"),
            (self.color_by != "zone", "--color-by"),
            (self.max_classes.is_some(), "--max-classes"),
            (self.labels != Labels::None, "--labels"),
            (self.width != 1200, "--width"),
            (self.dpi != 96.0, "--dpi"),
            (self.page.is_some(), "--page"),
            (self.date.is_some(), "--date"),
            (self.note.is_some(), "--note"),
            (self.bbox.is_some(), "--bbox"),
            (self.focus.is_some(), "--focus"),
        ];
        set.into_iter()
            .find(|(given, _)| *given)
            .map(|(_, flag)| flag)
    }

    /// Refuses map flags when no map is written (`--map` absent): they would do nothing.
    pub fn check_used(&self, map: Option<&std::path::Path>) -> anyhow::Result<()> {
        if map.is_none()
            && let Some(flag) = self.first_given()
        {
            anyhow::bail!("{flag} is a map option: add --map MAP.svg|png|pdf|html");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Probe {
        #[command(flatten)]
        map: MapArgs,
    }

    #[test]
    fn defaults_count_as_not_given_and_each_flag_is_named() {
        let p = Probe::parse_from(["x"]);
        assert_eq!(p.map.first_given(), None);
        for (args, flag) in [
            (vec!["--title", "T"], "--title"),
            (vec!["--color-by", "land_use"], "--color-by"),
            (vec!["--labels", "id"], "--labels"),
            (vec!["--width", "800"], "--width"),
            (vec!["--dpi", "300"], "--dpi"),
            (vec!["--page", "A3", "--landscape"], "--page"),
            (vec!["--note", "n"], "--note"),
            (vec!["--bbox", "1,2,3,4"], "--bbox"),
            (vec!["--focus", "mill"], "--focus"),
        ] {
            let p = Probe::parse_from(std::iter::once("x").chain(args.iter().copied()));
            assert_eq!(p.map.first_given(), Some(flag), "{args:?}");
        }
        assert!(Probe::try_parse_from(["x", "--landscape"]).is_err());
        assert!(Probe::try_parse_from(["x", "--bbox", "1,2,3"]).is_err());
    }

    #[test]
    fn options_carry_every_flag() {
        let p = Probe::parse_from([
            "x",
            "--title",
            "T",
            "--page",
            "a4",
            "--landscape",
            "--labels",
            "id",
            "--dpi",
            "150",
        ]);
        let o = p
            .map
            .options(vec![("mill".into(), 700.0)], allot::AreaUnit::Hectares);
        assert_eq!(o.title.as_deref(), Some("T"));
        assert_eq!(o.labels, allot::render::LabelKind::Id);
        assert_eq!(o.dpi, 150.0);
        assert_eq!(o.targets, vec![("mill".to_string(), 700.0)]);
        assert_eq!(o.units, allot::AreaUnit::Hectares);
        let page = o.page.unwrap();
        assert!(page.landscape);
        assert_eq!(page.paper, allot::render::page::Paper::A4);
    }
}

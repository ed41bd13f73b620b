//! Chart geometry for the server-rendered SVG dashboards: values scaled into
//! a plot area with integer arithmetic (no floats), so the same data always
//! draws the same picture and a test can check a point.

/// A plot area in SVG user units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plot {
    /// Width.
    pub width: i64,
    /// Height.
    pub height: i64,
}

impl Plot {
    /// The x of point `i` of `n` (first at 0, last at the right edge).
    pub fn x(self, i: usize, n: usize) -> i64 {
        let (i, last) = (i64::try_from(i).unwrap_or(0), i64::try_from(n.saturating_sub(1)).unwrap_or(0));
        if last == 0 { 0 } else { i * self.width / last }
    }

    /// The y of `value` on a scale from `min` (bottom) to `max` (top), clamped to the area.
    pub fn y(self, value: i64, min: i64, max: i64) -> i64 {
        let span = (max - min).max(1);
        let v = value.clamp(min, max) - min;
        self.height - v * self.height / span
    }

    /// An SVG `points` attribute for a line through `values` (`None` breaks nothing: skipped).
    pub fn polyline(self, values: &[Option<i64>], min: i64, max: i64) -> String {
        values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| format!("{},{}", self.x(i, values.len()), self.y(v, min, max))))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A round upper bound for an axis holding `max`: 1, 2 or 5 times a power of ten (at least 1).
pub fn nice_max(max: i64) -> i64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if m * step >= max {
                return m * step;
            }
        }
        step *= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn points_land_on_the_edges() {
        let p = Plot { width: 600, height: 100 };
        assert_eq!(p.polyline(&[Some(0), Some(5), Some(10)], 0, 10), "0,100 300,50 600,0");
        assert_eq!(p.polyline(&[Some(3), None, Some(20)], 0, 10), "0,70 600,0", "gaps are skipped, values clamped");
        assert_eq!(p.x(0, 1), 0, "one point sits at the left edge");
        assert_eq!(nice_max(0), 1);
        assert_eq!(nice_max(114), 200);
        assert_eq!(nice_max(1000), 1000);
    }

    proptest! {
        #[test]
        fn every_point_is_inside_the_plot(values in proptest::collection::vec(-1000i64..1000, 1..100), min in -500i64..0, span in 1i64..2000) {
            let p = Plot { width: 600, height: 120 };
            for (i, v) in values.iter().enumerate() {
                let (x, y) = (p.x(i, values.len()), p.y(*v, min, min + span));
                prop_assert!((0..=600).contains(&x) && (0..=120).contains(&y), "{x},{y}");
            }
        }

        #[test]
        fn nice_max_covers_the_value(max in 0i64..1_000_000_000) {
            let m = nice_max(max);
            prop_assert!(m >= max && m >= 1);
        }
    }
}

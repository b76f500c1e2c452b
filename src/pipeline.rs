//! The stages wired together: load -> validate -> model -> rules -> render -> write,
//! shared by `build`, `check` (everything but the write) and `serve`.

use crate::config::{self, OnMissing};
use crate::content::{self, Site};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{PlanSink, Sink};
use crate::render::{self, Extras, RenderOptions, RenderSummary, Theme};
use crate::rules::{self, Report, Status};
use anyhow::Result;
use std::path::{Path, PathBuf};
use tera::Context;

/// What the user asked for.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// `serve`: missing required content is a warning, never a failure.
    pub preview: bool,
    /// How much content to load (check and digest skip what they do not need).
    pub depth: content::Depth,
}

/// A site loaded, validated and checked against the rules, ready to render.
pub struct Prepared {
    /// The published view: drafts and unlisted partners removed.
    pub site: Site,
    /// Every partner record (drafts included), for reports that count them all.
    pub all_partners: Vec<content::Partner>,
    pub report: Option<Report>,
    /// Partners not published because of `on_missing = "unlist"`.
    pub unlisted: Vec<String>,
    /// Warnings to print (the build goes on).
    pub warnings: Diagnostics,
    /// Lead aggregates (`[leads]`), already free of personal data.
    pub leads: Option<crate::leads::Digest>,
    /// Every `[[leads.period]]`, oldest first (empty with one `[leads] source`).
    pub archive: Vec<crate::leads::Archived>,
    /// URL of the allocation policy page linked from the report.
    pub leads_policy: Option<String>,
}

/// Outcome of the checking stages: ready to render, or every problem found.
pub enum Outcome {
    Ready(Box<Prepared>),
    /// Content errors (and the rules report when it could be computed).
    Failed(Diagnostics, Option<Report>),
}

/// Read site.toml and the content, validate everything, apply the rules. I/O errors on
/// the site root itself are `Err`; content problems are `Outcome::Failed`.
pub fn prepare(opts: &BuildOptions) -> Result<Outcome> {
    Ok(match load_full(opts)? {
        Ok((full, warnings)) => finish_owned(full, warnings, opts),
        Err(diags) => Outcome::Failed(diags, None),
    })
}

/// Load and validate the whole site, drafts included (`serve` keeps this model and
/// patches it file by file). Content problems come back as `Err(diagnostics)`.
pub fn load_full(
    opts: &BuildOptions,
) -> Result<std::result::Result<(Site, Diagnostics), Diagnostics>> {
    let t = std::time::Instant::now();
    let (config, mut diags) = config::load(&opts.root)?;
    let Some(mut config) = config else {
        return Ok(Err(diags.sorted()));
    };
    if let Some(url) = &opts.base_url {
        config.set_base_url(url);
    }
    let (site, content_diags, failed_partners) = content::load_all(config, opts.depth);
    crate::timings::stage("load", t);
    diags.extend(content_diags);
    if !diags.has_errors() {
        return Ok(Ok((site, diags)));
    }
    diags.extend(lead_errors(site, failed_partners));
    Ok(Err(diags.sorted()))
}

/// The lead export's problems for a site whose content has errors, so they come out in
/// the same run. Leads are matched against the partners that loaded; a partner whose
/// record failed is already reported, so its slug is not reported again as unknown.
fn lead_errors(mut site: Site, failed_partners: usize) -> Diagnostics {
    if failed_partners > 0
        && let Some(leads) = &mut site.config.leads
    {
        leads.allow_unknown_partners = true;
    }
    match crate::leads::load_archive(&site.config, &site.partners) {
        Ok((_, _, warnings)) => warnings,
        Err(d) => d,
    }
}

/// Apply the rules to a loaded site and derive the published view (the model is kept:
/// `serve` patches it between rebuilds).
pub fn finish(full: &Site, diags: Diagnostics, opts: &BuildOptions) -> Outcome {
    finish_owned(full.clone(), diags, opts)
}

/// [`finish`] for a model not needed afterwards (build, check): published as is, no copy.
fn finish_owned(full: Site, diags: Diagnostics, opts: &BuildOptions) -> Outcome {
    match evaluate(&full, diags, opts) {
        Ok(checked) => {
            let all = if checked.leads.is_some() {
                full.partners.clone()
            } else {
                Vec::new()
            };
            publish(full, all, checked, opts)
        }
        Err(failed) => *failed,
    }
}

/// The rules' verdicts and the lead aggregates of a loaded site.
struct Checked {
    report: Option<Report>,
    unlisted: Vec<String>,
    diags: Diagnostics,
    leads: Option<crate::leads::Digest>,
    archive: Vec<crate::leads::Archived>,
    started: std::time::Instant,
}

fn evaluate(
    full: &Site,
    mut diags: Diagnostics,
    opts: &BuildOptions,
) -> std::result::Result<Checked, Box<Outcome>> {
    let t = std::time::Instant::now();
    let report = full.config.rules.as_ref().map(|r| rules::evaluate(full, r));
    let mut unlisted = Vec::new();
    if let Some(report) = &report {
        diags.extend(report.warnings.iter().cloned());
        let on_missing = match (report.rules.on_missing, opts.preview) {
            (OnMissing::Fail, true) => OnMissing::Warn,
            (m, _) => m,
        };
        match on_missing {
            OnMissing::Fail => diags.extend(rules::diagnostics(report, false)),
            OnMissing::Warn => diags.extend(rules::diagnostics(report, true)),
            OnMissing::Unlist => {
                unlisted = report.failing().map(|v| v.slug.clone()).collect();
                for v in report.failing() {
                    diags.push(
                        Diagnostic::warning(
                            &v.record_path,
                            format!(
                                "{} is not published: missing {} for {}",
                                v.slug,
                                rules::missing_phrase(v),
                                report.year
                            ),
                        )
                        .at(1, 1)
                        .code(rules::MISSING_CONTENT),
                    );
                }
            }
        }
    }
    let (leads, archive) = match crate::leads::load_archive(&full.config, &full.partners) {
        Ok((d, archive, warnings)) => {
            diags.extend(warnings);
            (d, archive)
        }
        Err(d) => {
            diags.extend(d);
            (None, Vec::new())
        }
    };
    let diags = diags.sorted();
    if diags.has_errors() {
        return Err(Box::new(Outcome::Failed(diags, report)));
    }
    Ok(Checked {
        report,
        unlisted,
        diags,
        leads,
        archive,
        started: t,
    })
}

/// Derive the published view: drafts (unless asked for) and unlisted partners removed.
fn publish(
    mut site: Site,
    all_partners: Vec<content::Partner>,
    checked: Checked,
    opts: &BuildOptions,
) -> Outcome {
    let Checked {
        report,
        unlisted,
        diags,
        leads,
        archive,
        started: t,
    } = checked;
    if !opts.drafts {
        site.remove_drafts();
    }
    site.partners.retain(|p| !unlisted.contains(&p.slug));
    // Which consultations are open depends on the published site's today.
    let diags = match crate::decisions::today_of(&site) {
        Ok(today) => {
            let mut diags = diags;
            diags.extend(crate::decisions::warnings(&site, today));
            diags.sorted()
        }
        Err(d) => return Outcome::Failed(Diagnostics(vec![d]), report),
    };
    crate::timings::stage("rules+leads", t);
    let leads_policy = match leads
        .as_ref()
        .map(|_| crate::leads::policy_url(&site))
        .transpose()
    {
        Ok(url) => url.flatten(),
        Err(d) => return Outcome::Failed(Diagnostics(vec![d]), report),
    };
    Outcome::Ready(Box::new(Prepared {
        site,
        // Only the lead report needs the records of partners that are not published.
        all_partners,
        report,
        unlisted,
        warnings: diags,
        leads,
        archive,
        leads_policy,
    }))
}

/// Pages contributed by the rules (`/program/contributions/`).
fn rules_extras(p: &Prepared, extras: &mut Extras) {
    let Some(report) = &p.report else { return };
    if !report.rules.publish_contributions {
        return;
    }
    let rows: Vec<rules::Contribution> = report
        .verdicts
        .iter()
        .filter(|v| !p.unlisted.contains(&v.slug) && p.site.partner(&v.slug).is_some())
        .map(|v| rules::Contribution {
            slug: v.slug.clone(),
            name: v.name.clone(),
            counted: v.counted,
            required: v.required,
            missing: v.missing,
            missing_total: v.missing.total(),
            status: v.status,
            reason: v.reason.clone(),
        })
        .collect();
    let mut ctx = Context::new();
    let path = "program/contributions/";
    ctx.insert("year", &report.year);
    ctx.insert("rule", &report.describe_rule());
    ctx.insert("rows", &rows);
    ctx.insert(
        "kinds",
        &config::Kind::ALL
            .iter()
            .map(|k| [k.id(), k.label()])
            .collect::<Vec<_>>(),
    );
    let count = |status| rows.iter().filter(|r| r.status == status).count();
    ctx.insert("exempt", &count(Status::Exempt));
    ctx.insert("met", &count(Status::Ok));
    ctx.insert("missing", &count(Status::Missing));
    let required: Vec<&str> = report.rules.require.iter().map(|k| k.id()).collect();
    ctx.insert("required_kinds", &required);
    extras.pages.push(render::ExtraPage {
        path: path.into(),
        template: "contributions.html",
        title: format!("Partner contributions {}", report.year),
        ctx,
    });
    extras
        .footer_nav
        .push(("Contributions".into(), path.into()));
}

/// The build's today when `[spotlight]` needs it (`None` without `[spotlight]`); a
/// `SOURCE_DATE_EPOCH` that is not a number of seconds is an error at `[spotlight]`.
fn spotlight_today(
    site: &Site,
) -> Option<std::result::Result<Option<crate::date::Date>, Diagnostic>> {
    site.config.spotlight.as_ref()?;
    Some(match crate::today::today(site) {
        Ok(today) => Ok(today.map(|(d, _)| d)),
        Err(message) => {
            let at = site.config.text.find("[spotlight]").unwrap_or(0);
            Err(site.config.error_at(
                &(at..at),
                format!("[spotlight] needs today's date: {message}"),
            ))
        }
    })
}

/// Render a prepared site into `sink`.
pub fn render_site(
    p: &Prepared,
    opts: &RenderOptions,
    sink: &dyn Sink,
) -> Result<std::result::Result<RenderSummary, Diagnostics>> {
    let (theme, theme_diags) = match Theme::for_site_lenient(&p.site.config) {
        Ok(t) => t,
        Err(d) => return Ok(Err(d)),
    };
    let mut extras = Extras::default();
    if let Some(today) = spotlight_today(&p.site) {
        match today {
            Ok(today) => extras.today = today,
            Err(d) => return Ok(Err(Diagnostics(vec![d]))),
        }
    }
    rules_extras(p, &mut extras);
    if let Some(digest) = &p.leads {
        let mut x = crate::leads::extras(digest, &p.site, &p.all_partners, p.leads_policy.clone());
        crate::leads::archive_extras(
            &p.archive,
            &p.site,
            &p.all_partners,
            &p.leads_policy,
            &mut x,
        );
        extras.pages.extend(x.pages);
        extras.files.extend(x.files);
        extras.nav.extend(x.nav);
        extras.footer_nav.extend(x.footer_nav);
        extras.partner_panels.extend(x.partner_panels);
    }
    if p.site.config.spotlight.is_some() {
        extras
            .footer_nav
            .push(("Spotlight".into(), "spotlight/".into()));
    }
    let rendered = render::render(&p.site, &theme, extras, opts, sink)?;
    if !theme_diags.has_errors() {
        return Ok(rendered);
    }
    // Broken templates fail the render even though their stand-ins rendered fine.
    let mut diags = theme_diags;
    if let Err(d) = rendered {
        diags.extend(d);
    }
    Ok(Err(diags.sorted()))
}

/// Every stage of `build` but the write, for `check`: the site is rendered into a
/// [`PlanSink`], which keeps no bytes.
pub fn plan_site(p: &Prepared) -> Result<std::result::Result<RenderSummary, Diagnostics>> {
    let sink = PlanSink::default();
    let summary = match render_site(p, &RenderOptions::default(), &sink)? {
        Ok(summary) => summary,
        Err(d) => return Ok(Err(d)),
    };
    // Planning already refuses these; the sink's own check guards that promise.
    if let Some((file, inside)) = sink.folder_conflicts().into_iter().next() {
        anyhow::bail!(
            "internal error: {file} was written both as a file and as the folder of {inside}"
        );
    }
    Ok(Ok(summary))
}

/// Where `build` writes by default.
pub fn default_output(root: &Path) -> PathBuf {
    root.join("public")
}

//! The SSRF guard for every outgoing URL (webhooks, repository hosts).
//!
//! [`OutboundPolicy::check_url`] refuses, before any connection and without
//! DNS: URLs over [`MAX_URL_BYTES`] or holding control characters, spaces or
//! backslashes (which parsers repair differently); schemes other than https
//! (http too when the policy allows it, for development); user info
//! (`https://user@host`); port 0; IP literals spelled oddly (decimal, octal,
//! hex or shortened IPv4 such as `2130706433`, `0177.0.0.1`, `0x7f.1`,
//! `127.1`); IP literals in forbidden ranges; and host names that can only be
//! internal (`localhost` and `*.localhost` in any spelling, single-label names,
//! special-use and private-use suffixes). Names are judged after the URL
//! parser's percent-decoding and IDNA normalisation, with trailing dots
//! removed, so `%6c%6fcalhost`, `ｌｏｃａｌｈｏｓｔ` and `localhost.` are one name.
//!
//! The [`GuardedResolver`] then filters every DNS answer with the same rules,
//! so the address actually connected to is the checked one (a name that
//! resolves, or later re-resolves, to a private address is refused: no DNS
//! rebinding). An operator allowlist of subnets lifts the range rules for
//! development and tests.
//!
//! The ranges ([`V4_BLOCKS`], [`V6_BLOCKS`]) are every block of the IANA
//! IPv4 and IPv6 Special-Purpose Address Registries that is not globally
//! reachable (RFC 6890 and its updates: RFC 8190, RFC 9637 `3fff::/20`,
//! RFC 9602 `5f00::/16`), the multicast ranges, the deprecated site-local
//! `fec0::/10`, and public addresses that clouds use internally (Azure's
//! platform address 168.63.129.16, IBM Cloud's service networks). Every IPv6
//! form that embeds an IPv4 address (IPv4-mapped, SIIT-translated, NAT64
//! `64:ff9b::/96`, 6to4 `2002::/16`) is judged by that IPv4 address; the
//! deprecated IPv4-compatible form and Teredo are refused outright.
//!
//! A refusal has two texts: [`Refused::message`] for the person who typed the
//! URL (never a DNS answer: that would make the portal a DNS oracle for
//! internal names) and [`Refused::detail`] for the operator's log.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// Longest URL accepted.
pub const MAX_URL_BYTES: usize = 2048;

/// Why an outgoing URL is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Refused {
    /// For the person who gave the URL: never reveals a DNS answer.
    pub message: String,
    /// For the operator's log: the whole reason (addresses included).
    pub detail: String,
}

impl Refused {
    /// A refusal whose reason may be shown to anyone (nothing was resolved).
    fn plain(message: impl Into<String>) -> Self {
        let message = message.into();
        Self { detail: message.clone(), message }
    }

    /// The guard's refusal inside an HTTP client error (the resolver or a
    /// redirect hop refused the address), if that is what stopped the request.
    pub fn in_error<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a Refused> {
        let mut next = Some(e);
        while let Some(err) = next {
            if let Some(r) = err.downcast_ref::<Refused>() {
                return Some(r);
            }
            next = err.source();
        }
        None
    }
}

/// A subnet, `10.0.0.0/8` or `fd00::/8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subnet {
    addr: IpAddr,
    prefix: u8,
}

impl Subnet {
    /// Parses `address/prefix` (a bare address is a single host).
    pub fn parse(text: &str) -> Result<Self, String> {
        let (addr, prefix) = text.trim().split_once('/').unwrap_or((text.trim(), ""));
        let addr: IpAddr = addr.parse().map_err(|_| format!("{text:?}: not an IP address"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix =
            if prefix.is_empty() { max } else { prefix.parse().map_err(|_| format!("{text:?}: bad prefix"))? };
        if prefix > max {
            return Err(format!("{text:?}: prefix over {max}"));
        }
        Ok(Self { addr, prefix })
    }

    /// Whether `ip` is inside.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// What outgoing requests may reach.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboundPolicy {
    /// Allow `http://` (development only).
    pub allow_http: bool,
    /// Subnets reachable despite the range rules (development and tests).
    pub allowlist: Vec<Subnet>,
}

/// IPv4 blocks outgoing requests never reach: (network, prefix, why).
pub const V4_BLOCKS: &[([u8; 4], u8, &str)] = &[
    ([0, 0, 0, 0], 8, "in \"this network\" (0.0.0.0/8)"),
    ([10, 0, 0, 0], 8, "a private address (10.0.0.0/8)"),
    ([100, 64, 0, 0], 10, "carrier-grade NAT shared space (100.64.0.0/10)"),
    ([127, 0, 0, 0], 8, "loopback (127.0.0.0/8)"),
    ([169, 254, 0, 0], 16, "link-local (169.254.0.0/16, where cloud metadata lives)"),
    ([172, 16, 0, 0], 12, "a private address (172.16.0.0/12)"),
    ([192, 0, 0, 0], 24, "an IETF protocol assignment (192.0.0.0/24)"),
    ([192, 0, 2, 0], 24, "a documentation address (192.0.2.0/24)"),
    ([192, 88, 99, 0], 24, "the deprecated 6to4 relay anycast (192.88.99.0/24)"),
    ([192, 168, 0, 0], 16, "a private address (192.168.0.0/16)"),
    ([198, 18, 0, 0], 15, "a benchmarking address (198.18.0.0/15)"),
    ([198, 51, 100, 0], 24, "a documentation address (198.51.100.0/24)"),
    ([203, 0, 113, 0], 24, "a documentation address (203.0.113.0/24)"),
    ([224, 0, 0, 0], 4, "a multicast address (224.0.0.0/4)"),
    ([240, 0, 0, 0], 4, "reserved or broadcast (240.0.0.0/4)"),
    ([168, 63, 129, 16], 32, "Azure's platform address (168.63.129.16)"),
    ([161, 26, 0, 0], 16, "IBM Cloud's service network (161.26.0.0/16)"),
    ([166, 8, 0, 0], 14, "IBM Cloud's private service endpoints (166.8.0.0/14)"),
];

/// IPv6 blocks outgoing requests never reach (the IPv4-embedding forms are
/// judged by their IPv4 address instead, see [`embedded_v4`]).
pub const V6_BLOCKS: &[([u16; 8], u8, &str)] = &[
    ([0, 0, 0, 0, 0, 0, 0, 0], 128, "the unspecified address (::)"),
    ([0, 0, 0, 0, 0, 0, 0, 1], 128, "loopback (::1)"),
    ([0, 0, 0, 0, 0, 0, 0, 0], 96, "a deprecated IPv4-compatible address (::/96)"),
    ([0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48, "local-use IPv4/IPv6 translation (64:ff9b:1::/48)"),
    ([0x100, 0, 0, 0, 0, 0, 0, 0], 64, "discard-only (100::/64)"),
    ([0x100, 0, 0, 1, 0, 0, 0, 0], 64, "the dummy prefix (100:0:0:1::/64)"),
    ([0x2001, 0, 0, 0, 0, 0, 0, 0], 23, "an IETF protocol assignment, Teredo among them (2001::/23)"),
    ([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32, "a documentation address (2001:db8::/32)"),
    ([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20, "a documentation address (3fff::/20)"),
    ([0x5f00, 0, 0, 0, 0, 0, 0, 0], 16, "an SRv6 segment identifier (5f00::/16)"),
    ([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7, "a unique-local address (fc00::/7)"),
    ([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10, "a link-local address (fe80::/10)"),
    ([0xfec0, 0, 0, 0, 0, 0, 0, 0], 10, "a deprecated site-local address (fec0::/10)"),
    ([0xff00, 0, 0, 0, 0, 0, 0, 0], 8, "a multicast address (ff00::/8)"),
];

/// The IPv4 address an IPv6 address stands for: IPv4-mapped (`::ffff:a.b.c.d`),
/// SIIT-translated (`::ffff:0:a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`) and 6to4
/// (`2002:aabb:ccdd::`).
pub fn embedded_v4(ip: Ipv6Addr) -> Option<(Ipv4Addr, &'static str)> {
    let s = ip.segments();
    let tail = || Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if s[..6] == [0, 0, 0, 0, 0, 0xffff] {
        Some((tail(), "IPv4-mapped"))
    } else if s[..6] == [0, 0, 0, 0, 0xffff, 0] {
        Some((tail(), "IPv4-translated"))
    } else if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        Some((tail(), "NAT64"))
    } else if s[0] == 0x2002 {
        Some((Ipv4Addr::new((s[1] >> 8) as u8, s[1] as u8, (s[2] >> 8) as u8, s[2] as u8), "6to4"))
    } else {
        None
    }
}

/// Why an address may not be reached (a phrase that completes "it is …"),
/// or `None` if it may.
pub fn forbidden_range(ip: IpAddr) -> Option<String> {
    match ip {
        IpAddr::V4(v4) => {
            let blocks = V4_BLOCKS.iter().map(|(net, p, why)| (u128::from(u32::from(Ipv4Addr::from(*net))), *p, *why));
            first_block(u128::from(u32::from(v4)), 32, blocks)
        }
        IpAddr::V6(v6) => {
            if let Some((v4, form)) = embedded_v4(v6) {
                return forbidden_range(IpAddr::V4(v4)).map(|why| format!("{form} for {v4}, {why}"));
            }
            let blocks = V6_BLOCKS.iter().map(|(net, p, why)| (u128::from(Ipv6Addr::from(*net)), *p, *why));
            first_block(u128::from(v6), 128, blocks)
        }
    }
}

/// The reason of the first block holding `bits`, an address `width` bits wide.
fn first_block(bits: u128, width: u32, blocks: impl Iterator<Item = (u128, u8, &'static str)>) -> Option<String> {
    let all = u128::MAX >> (128 - width);
    blocks
        .into_iter()
        .find(|(net, prefix, _)| {
            let mask = u128::MAX.checked_shl(width - u32::from(*prefix)).unwrap_or(0) & all;
            bits & mask == net & mask
        })
        .map(|(_, _, why)| why.to_owned())
}

/// Name suffixes that are never public: special-use names (RFC 6761, RFC 6762
/// `.local`, RFC 7686 `.onion`, RFC 8375 `home.arpa`, `.arpa` reverse zones),
/// ICANN's private-use `.internal`, and the customary private ones.
const INTERNAL_SUFFIXES: &[&str] = &[
    "localhost",
    "local",
    "localdomain",
    "internal",
    "intranet",
    "lan",
    "home",
    "corp",
    "private",
    "home.arpa",
    "arpa",
    "onion",
    "invalid",
    "test",
    "example",
];

/// Why a host name can only be internal, or `None`.
fn internal_name(name: &str) -> Option<String> {
    let name = name.trim_end_matches('.');
    if name.is_empty() {
        return Some("the URL has an empty host".into());
    }
    if name == "localhost" || name.ends_with(".localhost") {
        return Some(format!(
            "{name:?} is loopback (localhost names always are); outgoing requests only go to public addresses"
        ));
    }
    if !name.contains('.') {
        return Some(format!(
            "{name:?} is a single-label name (it resolves through local search domains); use a fully qualified public name"
        ));
    }
    INTERNAL_SUFFIXES
        .iter()
        .find(|suffix| name == **suffix || name.ends_with(&format!(".{suffix}")))
        .map(|suffix| format!("{name:?} is under .{suffix}, which is never a public name"))
}

impl OutboundPolicy {
    /// Refuses `ip` unless it is in a public range or allowlisted.
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), Refused> {
        if self.allowlist.iter().any(|s| s.contains(ip)) {
            return Ok(());
        }
        match forbidden_range(ip) {
            Some(why) => Err(Refused::plain(format!("{ip} is {why}; outgoing requests only go to public addresses"))),
            None => Ok(()),
        }
    }

    /// Checks a URL before any connection and without DNS (see the module docs).
    pub fn check_url(&self, text: &str) -> Result<reqwest::Url, Refused> {
        let text = text.trim();
        if text.len() > MAX_URL_BYTES {
            return Err(Refused::plain(format!("the URL is longer than {MAX_URL_BYTES} bytes")));
        }
        if text.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\') {
            return Err(Refused::plain("URLs may not contain spaces, control characters or backslashes"));
        }
        let url = reqwest::Url::parse(text).map_err(|e| Refused::plain(format!("not a URL: {e}")))?;
        match url.scheme() {
            "https" => {}
            "http" if self.allow_http => {}
            "http" => return Err(Refused::plain("only https:// URLs are allowed")),
            other => return Err(Refused::plain(format!("the {other}: scheme is not allowed; use https://"))),
        }
        if !url.username().is_empty() || url.password().is_some() || raw_authority(text).contains('@') {
            return Err(Refused::plain("user info (user@host) is not allowed in URLs"));
        }
        if url.port() == Some(0) {
            return Err(Refused::plain("port 0 is not a port a receiver listens on"));
        }
        match url.host() {
            None => return Err(Refused::plain("the URL has no host")),
            Some(url::Host::Ipv4(ip)) => {
                let raw = raw_host(text);
                if raw != ip.to_string() {
                    return Err(Refused::plain(format!("{raw:?} is an unusual spelling of {ip}; write it as {ip}")));
                }
                self.check_ip(IpAddr::V4(ip))?;
            }
            Some(url::Host::Ipv6(ip)) => self.check_ip(IpAddr::V6(ip))?,
            Some(url::Host::Domain(name)) => {
                // With loopback allowlisted (development), `localhost` may be named; the
                // resolver still checks each of its answers against the allowlist.
                let allowlisted_loopback = name.trim_end_matches('.') == "localhost"
                    && self.allowlist.iter().any(|s| {
                        s.contains(IpAddr::V4(Ipv4Addr::LOCALHOST)) || s.contains(IpAddr::V6(Ipv6Addr::LOCALHOST))
                    });
                if let Some(why) = internal_name(name).filter(|_| !allowlisted_loopback) {
                    return Err(Refused::plain(why));
                }
            }
        }
        Ok(url)
    }

    /// Filters resolved addresses: all must be allowed (a mix is a rebinding
    /// attempt). The message names no address; the detail does.
    pub fn check_resolved(&self, host: &str, addrs: &[SocketAddr]) -> Result<(), Refused> {
        if addrs.is_empty() {
            return Err(Refused::plain(format!("{host} does not resolve")));
        }
        for a in addrs {
            self.check_ip(a.ip()).map_err(|Refused { detail, .. }| Refused {
                message: format!(
                    "{host} resolves to an address outgoing requests may not reach (private, loopback, \
                     link-local or reserved); receivers must be on public addresses"
                ),
                detail: format!("{host} resolves to {detail}"),
            })?;
        }
        Ok(())
    }

    /// Checks a URL as [`Self::check_url`] does, then resolves its host and
    /// checks every answer: what a URL must pass before it is stored.
    pub async fn check_url_resolving(&self, text: &str) -> Result<reqwest::Url, Refused> {
        let url = self.check_url(text)?;
        if let Some(url::Host::Domain(name)) = url.host() {
            let port = url.port_or_known_default().unwrap_or(443);
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((name, port))
                .await
                .map_err(|e| Refused { message: format!("{name} does not resolve"), detail: format!("{name}: {e}") })?
                .collect();
            self.check_resolved(name, &addrs)?;
        }
        Ok(url)
    }

    /// An HTTP client that only connects to addresses this policy allows:
    /// 15 s timeout, no redirects, no proxies from the environment.
    pub fn client(&self) -> Result<reqwest::Client, String> {
        reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver(self.clone())))
            .build()
            .map_err(|e| e.to_string())
    }
}

/// An outbound policy with its guarded HTTP client, built once and shared
/// (a client holds the TLS roots and a connection pool; building one per
/// request cost milliseconds).
#[derive(Debug)]
pub struct Outbound {
    /// What may be reached.
    pub policy: OutboundPolicy,
    client: std::sync::OnceLock<reqwest::Client>,
}

impl Outbound {
    /// Wraps a policy; the client is built on first use.
    pub fn new(policy: OutboundPolicy) -> Self {
        Self { policy, client: std::sync::OnceLock::new() }
    }

    /// The shared guarded client ([`OutboundPolicy::client`]).
    pub fn client(&self) -> Result<reqwest::Client, String> {
        if let Some(c) = self.client.get() {
            return Ok(c.clone());
        }
        let built = self.policy.client()?;
        Ok(self.client.get_or_init(|| built).clone())
    }
}

/// The text between `://` and the first `/`, `?` or `#` (before the URL parser normalises it).
fn raw_authority(text: &str) -> &str {
    let rest = text.trim().split_once("://").map_or("", |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or("")
}

/// The host as written (no user info, no port).
fn raw_host(text: &str) -> String {
    let auth = raw_authority(text);
    let host = auth.rsplit_once('@').map_or(auth, |(_, h)| h);
    let host = if host.starts_with('[') { host } else { host.rsplit_once(':').map_or(host, |(h, _)| h) };
    host.to_ascii_lowercase()
}

/// A DNS resolver that refuses answers the policy forbids.
#[derive(Debug, Clone)]
pub struct GuardedResolver(OutboundPolicy);

impl GuardedResolver {
    /// A resolver enforcing `policy`.
    pub fn new(policy: OutboundPolicy) -> Self {
        Self(policy)
    }
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.0.clone();
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            policy
                .check_resolved(&host, &addrs)
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)?;
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// At least 60 hostile URLs, each refused before any connection.
    const HOSTILE: &[&str] = &[
        // Schemes.
        "http://example.com/hook",
        "file:///etc/passwd",
        "ftp://example.com/x",
        "gopher://example.com:70/_x",
        "javascript:alert(1)",
        "data:text/plain,hi",
        "ldap://example.com",
        "dict://example.com:11211/",
        // User info tricks.
        "https://user@example.com/",
        "https://user:pass@example.com/",
        "https://example.com@127.0.0.1/",
        "https://trusted.example@evil.example/",
        "https://:@example.com/",
        // Loopback, every spelling.
        "https://127.0.0.1/",
        "https://127.0.0.2:8443/",
        "https://127.255.255.254/",
        "https://2130706433/",
        "https://0177.0.0.1/",
        "https://0x7f.0.0.1/",
        "https://0x7f000001/",
        "https://127.1/",
        "https://127.0.1/",
        "https://017700000001/",
        "https://[::1]/",
        "https://[0:0:0:0:0:0:0:1]/",
        // Unspecified.
        "https://0.0.0.0/",
        "https://0/",
        "https://[::]/",
        "https://0.1.2.3/",
        // Private.
        "https://10.0.0.1/",
        "https://10.255.255.255/",
        "https://172.16.0.1/",
        "https://172.31.255.254/",
        "https://192.168.0.1/",
        "https://192.168.1.1:8080/admin",
        "https://012.0.0.1/",
        "https://0xa.0.0.1/",
        "https://167772161/",
        // Link-local and cloud metadata.
        "https://169.254.169.254/latest/meta-data/",
        "https://169.254.0.1/",
        "https://0xa9fea9fe/",
        "https://2852039166/",
        "https://[fe80::1]/",
        "https://[fe80::1%25eth0]/",
        // Carrier-grade NAT.
        "https://100.64.0.1/",
        "https://100.100.100.200/",
        "https://100.127.255.254/",
        // Unique-local IPv6.
        "https://[fc00::1]/",
        "https://[fd12:3456:789a::1]/",
        "https://[fdff:ffff::1]/",
        // IPv4-mapped, -compatible and embedded IPv6.
        "https://[::ffff:127.0.0.1]/",
        "https://[::ffff:7f00:1]/",
        "https://[::ffff:10.0.0.1]/",
        "https://[::ffff:169.254.169.254]/",
        "https://[::127.0.0.1]/",
        "https://[64:ff9b::7f00:1]/",
        "https://[2002:7f00:1::]/",
        "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
        // Broadcast, multicast, reserved, special-purpose, documentation.
        "https://255.255.255.255/",
        "https://224.0.0.1/",
        "https://239.255.255.250/",
        "https://240.0.0.1/",
        "https://192.0.0.8/",
        "https://198.18.0.1/",
        "https://192.0.2.1/",
        "https://[ff02::1]/",
        "https://[2001:db8::1]/",
        // Not URLs.
        "not a url",
        "https://",
        "//example.com/x",
    ];

    #[test]
    fn every_hostile_url_is_refused_with_a_reason() {
        assert!(HOSTILE.len() >= 60, "{} cases", HOSTILE.len());
        let policy = OutboundPolicy::default();
        for url in HOSTILE {
            match policy.check_url(url) {
                Ok(u) => panic!("{url} was allowed as {u}"),
                Err(r) => assert!(!r.message.is_empty()),
            }
        }
    }

    /// Named hostile URLs beyond the address blocks: (category, URL).
    const NAMED: &[(&str, &str)] = &[
        ("localhost", "https://localhost/"),
        ("localhost", "https://LOCALHOST/"),
        ("localhost", "https://localhost./"),
        ("localhost", "https://localhost../"),
        ("localhost", "https://%6c%6f%63%61%6c%68%6f%73%74/"),
        ("localhost", "https://%4C%4F%43%41%4C%48%4F%53%54/"),
        ("localhost", "https://\u{ff4c}\u{ff4f}\u{ff43}\u{ff41}\u{ff4c}\u{ff48}\u{ff4f}\u{ff53}\u{ff54}/"),
        ("localhost", "https://xn--localhost-/"),
        ("localhost subdomain", "https://api.localhost/"),
        ("localhost subdomain", "https://a.b.localhost./"),
        ("localhost subdomain", "https://evil.LocalHost/hook"),
        ("single label", "https://metadata/computeMetadata/v1/"),
        ("single label", "https://intranet/"),
        ("single label", "https://kubernetes/"),
        ("special-use names", "https://printer.local/"),
        ("special-use names", "https://router.home.arpa/"),
        ("special-use names", "https://1.0.0.127.in-addr.arpa/"),
        ("special-use names", "https://abc.onion/"),
        ("special-use names", "https://x.invalid/"),
        ("special-use names", "https://svc.test/"),
        ("special-use names", "https://www.example/"),
        ("private-use names", "https://metadata.google.internal/computeMetadata/v1/"),
        ("private-use names", "https://kubernetes.default.svc.cluster.local/"),
        ("private-use names", "https://db.corp/"),
        ("private-use names", "https://nas.lan/"),
        ("private-use names", "https://box.localdomain/"),
        ("ports", "https://example.com:0/"),
        ("ports", "https://example.com:65536/"),
        ("ports", "https://example.com:99999/"),
        ("ports", "https://example.com:-1/"),
        ("length", "https://example.com/LONG"),
        ("characters", "https://example.com/a b"),
        ("characters", "https://exa mple.com/"),
        ("characters", "https://example.com/\thook"),
        ("characters", "https://example.com\n.evil/"),
        ("characters", "https://127.0.0.1\\@example.com/"),
        ("characters", "https:\\\\example.com/"),
        ("characters", "https://example.com/\u{0}"),
        ("characters", "https://example.com/\u{7f}"),
        ("odd IPv4 spellings", "https://127.0.0.1./"),
        ("odd IPv4 spellings", "https://%31%32%37.0.0.1/"),
        ("odd IPv4 spellings", "https://\u{2460}\u{2461}\u{2466}.0.0.1/"),
        ("odd IPv4 spellings", "https://0x7f.0x0.0x0.0x1/"),
        ("odd IPv4 spellings", "https://00000177.0.0.1/"),
        ("odd IPv4 spellings", "https://4294967295/"),
        ("odd IPv4 spellings", "https://0x100000000/"),
        ("user info", "https://a%40b@example.com/"),
        ("user info", "https://@example.com/"),
        ("schemes", "HTTP://example.com/"),
        ("schemes", "wss://example.com/"),
        ("schemes", "ws://example.com/"),
        ("schemes", "jar:https://example.com/!/"),
        ("schemes", "view-source:https://example.com/"),
        ("schemes", "blob:https://example.com/uuid"),
        ("IPv6 zones and forms", "https://[::ffff:0:127.0.0.1]/"),
        ("IPv6 zones and forms", "https://[0000:0000:0000:0000:0000:ffff:7f00:0001]/"),
        ("IPv6 zones and forms", "https://[::ffff:a9fe:a9fe]/"),
        ("IPv6 zones and forms", "https://[64:ff9b::a9fe:a9fe]/"),
        ("IPv6 zones and forms", "https://[64:ff9b:1::1]/"),
        ("IPv6 zones and forms", "https://[2002:a9fe:a9fe::1]/"),
        ("IPv6 zones and forms", "https://[2001::1]/"),
        ("IPv6 zones and forms", "https://[::1%25lo]/"),
        ("IPv6 zones and forms", "https://[fd00:ec2::254]/"),
        ("IPv6 zones and forms", "https://[fd20:ce::254]/"),
    ];

    /// One address of a block: its first, a middle and its last.
    fn v4_points(net: [u8; 4], prefix: u8) -> Vec<Ipv4Addr> {
        let base = u32::from(Ipv4Addr::from(net));
        let size = 1u64 << (32 - u32::from(prefix));
        let last = base + u32::try_from(size - 1).unwrap();
        vec![Ipv4Addr::from(base), Ipv4Addr::from(base + u32::try_from(size / 2).unwrap()), Ipv4Addr::from(last)]
    }

    fn v6_points(net: [u16; 8], prefix: u8) -> Vec<Ipv6Addr> {
        let base = u128::from(Ipv6Addr::from(net));
        let span = if prefix == 0 { u128::MAX } else { (1u128 << (128 - u32::from(prefix))) - 1 };
        vec![Ipv6Addr::from(base), Ipv6Addr::from(base + span / 2), Ipv6Addr::from(base + span)]
    }

    fn in_any_block(ip: IpAddr) -> bool {
        forbidden_range(ip).is_some()
    }

    /// The matrix: every block's edges and middle in every form (IPv4, and
    /// IPv4-mapped, NAT64 and 6to4 IPv6), the named categories above, and the
    /// neighbours just outside each block, which must pass.
    #[test]
    fn the_hostile_url_matrix_is_refused_and_its_neighbours_accepted() {
        let policy = OutboundPolicy::default();
        let mut hostile: Vec<(String, String)> = Vec::new();
        for (net, prefix, why) in V4_BLOCKS {
            for ip in v4_points(*net, *prefix) {
                let [a, b, c, d] = ip.octets();
                hostile.push((format!("IPv4 {why}"), format!("https://{ip}/")));
                hostile.push((format!("IPv4-mapped {why}"), format!("https://[::ffff:{ip}]/")));
                hostile.push((format!("NAT64 {why}"), format!("https://[64:ff9b::{ip}]/")));
                hostile.push((format!("6to4 {why}"), format!("https://[2002:{a:02x}{b:02x}:{c:02x}{d:02x}::1]/")));
            }
        }
        for (net, prefix, why) in V6_BLOCKS {
            for ip in v6_points(*net, *prefix) {
                hostile.push((format!("IPv6 {why}"), format!("https://[{ip}]/")));
            }
        }
        for (category, url) in NAMED {
            let url = url.replace("LONG", &"a".repeat(MAX_URL_BYTES));
            hostile.push(((*category).to_owned(), url));
        }
        for url in HOSTILE {
            hostile.push(("earlier cases".into(), (*url).to_owned()));
        }
        let mut wrong: Vec<String> = hostile
            .iter()
            .filter_map(|(c, url)| policy.check_url(url).ok().map(|u| format!("{c}: {url} allowed as {u}")))
            .collect();

        // Just outside each IPv4 block, where that neighbour is in no other block.
        let mut accepted: Vec<String> = Vec::new();
        for (net, prefix, _) in V4_BLOCKS {
            let base = u32::from(Ipv4Addr::from(*net));
            let size = 1u64 << (32 - u32::from(*prefix));
            let below = base.checked_sub(1).map(Ipv4Addr::from);
            let above = u32::try_from(u64::from(base) + size).ok().map(Ipv4Addr::from);
            for ip in [below, above].into_iter().flatten().filter(|ip| !in_any_block(IpAddr::V4(*ip))) {
                accepted.push(format!("https://{ip}/"));
                accepted.push(format!("https://[64:ff9b::{ip}]/"));
            }
        }
        for (net, prefix, _) in V6_BLOCKS {
            let base = u128::from(Ipv6Addr::from(*net));
            let span = if *prefix == 0 { u128::MAX } else { (1u128 << (128 - u32::from(*prefix))) - 1 };
            let around = [base.checked_sub(1), base.checked_add(span).and_then(|e| e.checked_add(1))];
            for ip in around.into_iter().flatten().map(Ipv6Addr::from) {
                if !in_any_block(IpAddr::V6(ip)) {
                    accepted.push(format!("https://[{ip}]/"));
                }
            }
        }
        accepted.extend(
            [
                "https://example.com/hook",
                "https://hooks.example.com:8443/a?b=c",
                "https://localhost.example.com/",
                "https://mylocal.dev/",
                "https://internal-tools.example.org/",
                "https://example.com:65535/",
                "https://example.com./",
                "https://xn--bcher-kva.de/",
                "https://b\u{fc}cher.de/",
                "https://example.com/p?q=a%20b",
                format!("https://example.com/{}", "a".repeat(MAX_URL_BYTES - 30)).as_str(),
            ]
            .map(str::to_owned),
        );
        for url in &accepted {
            if let Err(r) = policy.check_url(url) {
                wrong.push(format!("{url} refused: {}", r.message));
            }
        }
        let categories: std::collections::BTreeSet<&str> = hostile.iter().map(|(c, _)| c.as_str()).collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
        assert!(hostile.len() >= 200, "{} hostile URLs", hostile.len());
        assert!(categories.len() >= 30, "{} categories", categories.len());
        println!(
            "SSRF matrix: {} hostile URLs in {} categories refused, {} edge cases accepted, 0 wrong",
            hostile.len(),
            categories.len(),
            accepted.len()
        );
    }

    #[test]
    fn refusals_of_resolved_names_reveal_no_address() {
        let policy = OutboundPolicy::default();
        let private: SocketAddr = "10.1.2.3:443".parse().unwrap();
        let r = policy.check_resolved("hooks.partner.example.com", &[private]).unwrap_err();
        assert!(!r.message.contains("10.1.2.3") && !r.message.contains("10.0.0.0"), "{}", r.message);
        assert!(r.detail.contains("10.1.2.3"), "the operator's detail names it: {}", r.detail);
    }

    #[test]
    fn public_https_urls_pass_and_the_allowlist_opens_development_hosts() {
        let policy = OutboundPolicy::default();
        for url in [
            "https://example.com/hook",
            "https://93.184.215.14/x",
            "https://[2606:4700::1111]/",
            "https://hooks.example.com:8443/a?b=c",
        ] {
            assert!(policy.check_url(url).is_ok(), "{url}");
        }
        let dev = OutboundPolicy { allow_http: true, allowlist: vec![Subnet::parse("127.0.0.0/8").unwrap()] };
        assert!(dev.check_url("http://127.0.0.1:8080/hook").is_ok());
        assert!(dev.check_url("http://10.0.0.1/").is_err(), "only the allowlisted subnet opens");
        assert!(dev.check_url("http://2130706433/").is_err(), "odd spellings stay refused");
    }

    #[test]
    fn resolved_answers_are_filtered_so_rebinding_cannot_pass() {
        let policy = OutboundPolicy::default();
        let public: SocketAddr = "93.184.215.14:443".parse().unwrap();
        let private: SocketAddr = "10.0.0.5:443".parse().unwrap();
        let mapped: SocketAddr = "[::ffff:127.0.0.1]:443".parse().unwrap();
        assert!(policy.check_resolved("ok.example", &[public]).is_ok());
        assert!(policy.check_resolved("rebind.example", &[public, private]).is_err(), "one bad answer refuses all");
        assert!(policy.check_resolved("mapped.example", &[mapped]).is_err());
        assert!(policy.check_resolved("nx.example", &[]).is_err());
    }

    #[test]
    fn subnets_parse_and_match() {
        let s = Subnet::parse("100.64.0.0/10").unwrap();
        assert!(s.contains("100.127.1.1".parse().unwrap()));
        assert!(!s.contains("100.128.0.1".parse().unwrap()));
        assert!(Subnet::parse("fd00::/8").unwrap().contains("fd12::1".parse().unwrap()));
        assert!(Subnet::parse("10.0.0.0/33").is_err());
        assert!(Subnet::parse("nope").is_err());
    }
}

//! The SSRF guard for every outgoing URL (webhooks, repository hosts).
//!
//! [`check_url`] refuses, before any connection: schemes other than https
//! (http too when the policy allows it, for development), user info
//! (`https://user@host`), IP literals spelled oddly (decimal, octal, hex or
//! shortened IPv4 such as `2130706433`, `0177.0.0.1`, `0x7f.1`, `127.1`), and
//! IP literals in forbidden ranges. The [`GuardedResolver`] then filters every
//! DNS answer with the same rules, so the address actually connected to is
//! the checked one (a name that resolves, or later re-resolves, to a private
//! address is refused: no DNS rebinding). An operator allowlist of subnets
//! lifts the range rules for development and tests.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// Why an outgoing URL is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

impl Refused {
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

/// Why an address may not be reached, or `None` if it may.
pub fn forbidden_range(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => {
            let seg = v6.segments();
            if v6.is_unspecified() {
                Some("the unspecified address")
            } else if v6.is_loopback() {
                Some("loopback")
            } else if v6.to_ipv4_mapped().is_some() {
                Some("an IPv4-mapped IPv6 address")
            } else if seg[0] & 0xfe00 == 0xfc00 {
                Some("a unique-local address")
            } else if seg[0] & 0xffc0 == 0xfe80 {
                Some("a link-local address")
            } else if seg[0] & 0xff00 == 0xff00 {
                Some("a multicast address")
            } else if seg[..6] == [0x64, 0xff9b, 0, 0, 0, 0] || seg[0] == 0x2002 || seg[..2] == [0x2001, 0] {
                Some("an IPv6 address embedding an IPv4 one (NAT64, 6to4, Teredo)")
            } else if seg[..6] == [0; 6] {
                Some("an IPv4-compatible IPv6 address")
            } else if seg[0] == 0x2001 && seg[1] == 0x0db8 {
                Some("a documentation address")
            } else {
                None
            }
        }
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if a == 0 {
        Some("the unspecified network 0.0.0.0/8")
    } else if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_private() {
        Some("a private address")
    } else if ip.is_link_local() {
        Some("a link-local address (cloud metadata lives here)")
    } else if a == 100 && (64..128).contains(&b) {
        Some("carrier-grade NAT (100.64.0.0/10)")
    } else if ip.is_broadcast() || ip.is_multicast() || a >= 240 {
        Some("a broadcast, multicast or reserved address")
    } else if (a == 192 && b == 0 && ip.octets()[2] == 0) || (a == 198 && (b == 18 || b == 19)) {
        Some("a special-purpose address")
    } else if ip.is_documentation() {
        Some("a documentation address")
    } else {
        None
    }
}

impl OutboundPolicy {
    /// Refuses `ip` unless it is in a public range or allowlisted.
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), Refused> {
        if self.allowlist.iter().any(|s| s.contains(ip)) {
            return Ok(());
        }
        match forbidden_range(ip) {
            Some(why) => Err(Refused(format!("{ip} is {why}; outgoing requests only go to public addresses"))),
            None => Ok(()),
        }
    }

    /// Checks a URL before any connection (see the module docs).
    pub fn check_url(&self, text: &str) -> Result<reqwest::Url, Refused> {
        let url = reqwest::Url::parse(text.trim()).map_err(|e| Refused(format!("not a URL: {e}")))?;
        match url.scheme() {
            "https" => {}
            "http" if self.allow_http => {}
            "http" => return Err(Refused("only https:// URLs are allowed".into())),
            other => return Err(Refused(format!("the {other}: scheme is not allowed; use https://"))),
        }
        if !url.username().is_empty() || url.password().is_some() || raw_authority(text).contains('@') {
            return Err(Refused("user info (user@host) is not allowed in URLs".into()));
        }
        match url.host() {
            None => return Err(Refused("the URL has no host".into())),
            Some(url::Host::Ipv4(ip)) => {
                let raw = raw_host(text);
                if raw != ip.to_string() {
                    return Err(Refused(format!("{raw:?} is an unusual spelling of {ip}; write it as {ip}")));
                }
                self.check_ip(IpAddr::V4(ip))?;
            }
            Some(url::Host::Ipv6(ip)) => self.check_ip(IpAddr::V6(ip))?,
            Some(url::Host::Domain(name)) => {
                if name.trim_end_matches('.').is_empty() {
                    return Err(Refused("empty host".into()));
                }
            }
        }
        Ok(url)
    }

    /// Filters resolved addresses: all must be allowed (a mix is a rebinding attempt).
    pub fn check_resolved(&self, host: &str, addrs: &[SocketAddr]) -> Result<(), Refused> {
        if addrs.is_empty() {
            return Err(Refused(format!("{host} does not resolve")));
        }
        for a in addrs {
            self.check_ip(a.ip()).map_err(|Refused(why)| Refused(format!("{host} resolves to {why}")))?;
        }
        Ok(())
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
                Err(Refused(why)) => assert!(!why.is_empty()),
            }
        }
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

//! Who may talk to the remote: peers on this machine or the home network only. A TV app has no
//! business answering the internet (a forwarded port, UPnP), whatever the router does.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether `ip` is loopback, private (10/8, 172.16/12, 192.168/16), link-local (169.254/16),
/// CGNAT (100.64/10, phones on a carrier's hotspot), or IPv6 loopback, unique-local (fc00::/7)
/// or link-local (fe80::/10); an IPv4-mapped IPv6 address is judged as its IPv4 address.
pub fn is_local_peer(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_local_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_local_v4(v4),
            None => is_local_v6(v6),
        },
    }
}

fn is_local_v4(ip: Ipv4Addr) -> bool {
    let [first, second, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || (first == 100 && (64..128).contains(&second))
}

fn is_local_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_loopback() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_machine_and_the_home_network_are_peers() {
        let allowed = [
            "127.0.0.1",
            "127.8.9.10",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.0.1",
            "192.168.1.5",
            "169.254.1.1",
            "100.64.0.1",
            "100.127.255.254",
            "::1",
            "fd00::1",
            "fc00::1",
            "fe80::1",
            "::ffff:192.168.1.5",
        ];
        let refused = [
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "100.63.255.255",
            "192.169.0.1",
            "2001:4860::1",
            "::ffff:8.8.8.8",
            "fec0::1",
            "0.0.0.0",
            "255.255.255.255",
        ];
        for text in allowed {
            let ip: IpAddr = text.parse().expect("an address");
            assert!(is_local_peer(ip), "{text} is a local peer");
        }
        for text in refused {
            let ip: IpAddr = text.parse().expect("an address");
            assert!(!is_local_peer(ip), "{text} is not");
        }
    }
}

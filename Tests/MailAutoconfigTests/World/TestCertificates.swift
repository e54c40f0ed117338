import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The test worlds' certificates, made by `openssl`: a CA, a server certificate for the world's
/// names and one for another name only (for hostname-mismatch tests). openssl runs once per test
/// process for each set of names; later worlds get copies.
enum TestCertificates {
    /// The files written: `ca.crt`, `ca.key`, `main.crt`, `main.key`, `mismatched.crt`, `mismatched.key`.
    static let fileNames = ["ca.crt", "ca.key", "main.crt", "main.key", "mismatched.crt", "mismatched.key"]

    private static let cache = Mutex<[String: [String: Data]]>([:])

    /// Writes the files into `folder` (keys with mode 0600, certificates 0644).
    ///
    /// - Parameters:
    ///   - authority: the CA's common name.
    ///   - main: the DNS names of `main.crt` (the first is also its common name).
    ///   - mismatched: the DNS names of `mismatched.crt`.
    static func install(authority: String, main: [String], mismatched: [String], in folder: URL) throws {
        let key = ([authority, "|"] + main + ["|"] + mismatched).joined(separator: ",")
        var files = cache.withLock { $0[key] }
        if files == nil {
            let workshop = folder.appendingPathComponent("certificates")
            try FileManager.default.createDirectory(at: workshop, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: workshop) }
            let w = workshop.path
            try WorldPrograms.run(
                "openssl",
                [
                    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "30",
                    "-subj", "/CN=\(authority)", "-keyout", "\(w)/ca.key", "-out", "\(w)/ca.crt",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                ], in: workshop)
            try makeCertificate("main", names: main, in: workshop)
            try makeCertificate("mismatched", names: mismatched, in: workshop)
            var made: [String: Data] = [:]
            for name in fileNames {
                made[name] = try Data(contentsOf: workshop.appendingPathComponent(name))
            }
            cache.withLock { $0[key] = made }
            files = made
        }
        for (name, data) in files ?? [:] {
            let url = folder.appendingPathComponent(name)
            try data.write(to: url)
            chmod(url.path, name.hasSuffix(".key") ? 0o600 : 0o644)
        }
    }

    /// A P-256 server certificate signed by the test CA, with DNS names only: no IP SAN, since
    /// swift-nio-ssl accepts a certificate whose IP SAN matches the peer address, which would
    /// hide hostname-mismatch bugs.
    private static func makeCertificate(_ file: String, names: [String], in folder: URL) throws {
        let w = folder.path
        try WorldPrograms.run(
            "openssl",
            [
                "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=\(names[0])",
                "-keyout", "\(w)/\(file).key", "-out", "\(w)/\(file).csr",
            ], in: folder)
        let extensions = """
            subjectAltName=\(names.map { "DNS:\($0)" }.joined(separator: ","))
            basicConstraints=CA:FALSE
            extendedKeyUsage=serverAuth

            """
        try Data(extensions.utf8).write(to: folder.appendingPathComponent("\(file).ext"))
        try WorldPrograms.run(
            "openssl",
            [
                "x509", "-req", "-in", "\(w)/\(file).csr", "-CA", "\(w)/ca.crt", "-CAkey", "\(w)/ca.key",
                "-CAcreateserial", "-days", "30", "-extfile", "\(w)/\(file).ext", "-out", "\(w)/\(file).crt",
            ], in: folder)
    }
}

package dev.cync.canary.device;

/**
 * What a session sends unprompted after the hello, as the vendor's cloud does (docs/protocol.md):
 * a 0xA3 announcing control, and a mesh query ({@code f8 52 06}) once the 0xA3 is out. Whether
 * commands work without the 0xA3 is an open question, so both are on by default.
 *
 * @param announceControl send one 0xA3 after the hello
 * @param queryMesh send one mesh query after the 0xA3 (or after the hello when the 0xA3 is off)
 */
public record SessionAnswers(boolean announceControl, boolean queryMesh) {

    public static SessionAnswers vendor() {
        return new SessionAnswers(true, true);
    }
}

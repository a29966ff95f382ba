package org.agua.pop3.command;

import org.agua.pop3.Pop3Command;
import org.agua.pop3.Pop3State;

import java.util.Map;
import java.util.Set;

import static java.util.Map.entry;

/** The verb table: every command Agua's POP3 server knows, by verb. */
public final class Pop3Commands {

    /** The RFC's AUTHORIZATION state: nobody logged in yet, with or without a USER given. */
    static final Set<Pop3State> LOGGED_OUT = Set.of(Pop3State.AUTHORIZATION, Pop3State.USER_GIVEN);
    static final Set<Pop3State> TRANSACTION = Set.of(Pop3State.TRANSACTION);
    static final Set<Pop3State> ANY = Set.of(Pop3State.AUTHORIZATION, Pop3State.USER_GIVEN, Pop3State.TRANSACTION);

    private static final Map<String, Pop3Command> TABLE = Map.ofEntries(
            entry("CAPA", new Capa()),
            entry("STLS", new Stls()),
            entry("USER", new User()),
            entry("PASS", new Pass()),
            entry("APOP", new Apop()),
            entry("AUTH", new Auth()),
            entry("STAT", new Stat()),
            entry("LIST", new ListCommand()),
            entry("UIDL", new Uidl()),
            entry("RETR", new Retr()),
            entry("TOP", new Top()),
            entry("DELE", new Dele()),
            entry("RSET", new Rset()),
            entry("NOOP", new Noop()),
            entry("QUIT", new Quit()));

    private Pop3Commands() {
    }

    /** Immutable and stateless: every session shares the same command objects. */
    public static Map<String, Pop3Command> table() {
        return TABLE;
    }
}

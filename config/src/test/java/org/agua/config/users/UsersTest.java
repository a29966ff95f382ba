package org.agua.config.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.agua.storage.Mailbox;
import org.junit.jupiter.api.Test;

class UsersTest {

    private final Users users = Users.of(List.of(
            new User(Mailbox.parse("Alice@Example.test"), PasswordHash.create("alice-pw")),
            new User(Mailbox.parse("bob@example.test"), PasswordHash.parse("{PLAIN}bob-pw"))));

    @Test
    void findIgnoresCaseOfTheAddress() {
        assertThat(users.find("ALICE@example.TEST")).map(User::address).contains("alice@example.test");
        assertThat(users.find("carol@example.test")).isEmpty();
    }

    @Test
    void verifyAcceptsOnlyTheRightPasswordOfAKnownUser() {
        assertThat(users.verify("alice@example.test", "alice-pw")).isTrue();
        assertThat(users.verify("Alice@Example.Test", "alice-pw")).isTrue();
        assertThat(users.verify("alice@example.test", "bob-pw")).isFalse();
        assertThat(users.verify("bob@example.test", "bob-pw")).isTrue();
        assertThat(users.verify("carol@example.test", "alice-pw")).isFalse();
    }

    @Test
    void plainPasswordIsOfferedOnlyForPlainUsers() {
        assertThat(users.plainPassword("BOB@example.test")).contains("bob-pw");
        assertThat(users.plainPassword("alice@example.test")).isEmpty();
        assertThat(users.plainPassword("carol@example.test")).isEmpty();
    }

    @Test
    void addressesKeepTheOrderOfTheFile() {
        assertThat(users.addresses()).containsExactly("alice@example.test", "bob@example.test");
        assertThat(Users.empty().addresses()).isEmpty();
    }

    @Test
    void sameAddressTwiceIsRefused() {
        User a = new User(Mailbox.parse("a@example.test"), PasswordHash.parse("{PLAIN}x"));
        assertThatThrownBy(() -> Users.of(List.of(a, a))).hasMessage("user a@example.test is listed twice");
    }
}

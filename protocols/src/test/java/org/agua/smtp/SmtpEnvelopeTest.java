package org.agua.smtp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

/** MAIL FROM and RCPT TO: syntax, parameters, local users, relaying and the recipient limit. */
class SmtpEnvelopeTest {

    @TempDir
    Path mailRoot;

    private SmtpTranscript smtp;

    private SmtpTranscript greeted(TestServer server) {
        smtp = SmtpTranscript.open(server);
        smtp.expect("220 ");
        smtp.send("EHLO client.test").expect("250 ");
        return smtp;
    }

    private SmtpTranscript greeted() {
        return greeted(TestServer.mx(mailRoot));
    }

    /** Greeted with plain HELO, as old clients greet. */
    private SmtpTranscript greetedWithHelo() {
        smtp = SmtpTranscript.open(TestServer.mx(mailRoot));
        smtp.expect("220 ");
        smtp.send("HELO client.test").expect("250 ");
        return smtp;
    }

    @AfterEach
    void close() {
        if (smtp != null) {
            smtp.close();
        }
    }

    @Test
    void mailWithoutFromIsASyntaxError() {
        greeted().send("MAIL <sender@remote.test>").expect("501 ");
    }

    @Test
    void mailWithoutClosingBracketIsASyntaxError() {
        greeted().send("MAIL FROM:<sender@remote.test").expect("501 ");
    }

    @Test
    void mailWithoutDomainIsASyntaxError() {
        greeted().send("MAIL FROM:<sender>").expect("501 ");
    }

    @Test
    void mailFromNullPathIsAccepted() {
        greeted().send("MAIL FROM:<>").expect("250 2.1.0");
    }

    @Test
    void mailWithASpaceAfterTheColonIsTolerated() {
        greeted().send("MAIL FROM: <sender@remote.test>").expect("250 2.1.0");
    }

    @Test
    void rcptWithoutAddressIsASyntaxError() {
        greeted().send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<>").expect("501 ");
        smtp.send("RCPT alice@example.test").expect("501 ");
    }

    @Test
    void sizeWithinTheLimitIsAccepted() {
        greeted().send("MAIL FROM:<sender@remote.test> SIZE=" + TestServer.MAX_MESSAGE_SIZE).expect("250 2.1.0");
    }

    @Test
    void sizeOverTheLimitIsRefusedAtMail() {
        greeted().send("MAIL FROM:<sender@remote.test> SIZE=" + (TestServer.MAX_MESSAGE_SIZE + 1)).expect("552 5.3.4");
    }

    @Test
    void sizeThatIsNotANumberIsASyntaxError() {
        greeted().send("MAIL FROM:<sender@remote.test> SIZE=big").expect("501 ");
        smtp.send("MAIL FROM:<sender@remote.test> SIZE=99999999999999999999999").expect("501 ");
    }

    @Test
    void bodyEightBitMimeIsAccepted() {
        greeted().send("MAIL FROM:<sender@remote.test> BODY=8BITMIME").expect("250 2.1.0");
    }

    @Test
    void unknownMailParameterIsRefusedWith555() {
        greeted().send("MAIL FROM:<sender@remote.test> FROBNICATE=yes").expect("555 5.5.4");
    }

    @Test
    void unknownRcptParameterIsRefusedWith555() {
        greeted().send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<alice@example.test> NOTIFY=NEVER").expect("555 5.5.4");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SIZE=1000", "BODY=8BITMIME", "BODY=7BIT", "AUTH=<>", "SMTPUTF8", "SIZE=1000 BODY=8BITMIME"})
    void knownMailParametersAreAcceptedAfterHelo(String parameters) {
        greetedWithHelo().send("MAIL FROM:<sender@remote.test> " + parameters).expect("250 2.1.0");
        smtp.send("RCPT TO:<alice@example.test>").expect("250 2.1.5");
    }

    @Test
    void sizeOverTheLimitIsRefusedAfterHeloAsAfterEhlo() {
        greetedWithHelo().send("MAIL FROM:<sender@remote.test> SIZE=" + (TestServer.MAX_MESSAGE_SIZE + 1))
                .expect("552 5.3.4");
    }

    @Test
    void badMailParameterValuesAreRefusedAfterHeloAsAfterEhlo() {
        greetedWithHelo().send("MAIL FROM:<sender@remote.test> SIZE=big").expect("501 5.5.4");
        smtp.send("MAIL FROM:<sender@remote.test> BODY=BINARYMIME").expect("555 5.5.4");
        smtp.send("MAIL FROM:<sender@remote.test> SMTPUTF8=yes").expect("501 5.5.4");
    }

    @Test
    void unknownMailParameterIsRefusedAfterHelo() {
        greetedWithHelo().send("MAIL FROM:<sender@remote.test> FROBNICATE=yes").expect("555 5.5.4");
    }

    @Test
    void nonAsciiSenderWithSmtputf8IsAcceptedAfterHelo() {
        greetedWithHelo().send("MAIL FROM:<josé@remote.test> SMTPUTF8").expect("250 2.1.0");
        smtp.send("RCPT TO:<" + FixedAccounts.JOSE + ">").expect("250 2.1.5");
    }

    @Test
    void rcptParametersAreRefusedAfterHeloAsAfterEhlo() {
        greetedWithHelo().send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<alice@example.test> NOTIFY=NEVER").expect("555 5.5.4");
    }

    @ParameterizedTest
    @ValueSource(strings = {"MAIL FROM:", "MAIL FROM: ", "MAIL FROM:   ", "MAIL FROM:\t", "mail from:", "MAIL", "MAIL "})
    void mailWithoutAReversePathIsASyntaxError(String line) {
        greeted().send(line).expect("501 5.5.4 Syntax: MAIL FROM:<address>");
        smtp.send("RCPT TO:<alice@example.test>").expect("503 5.5.1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"RCPT TO:", "RCPT TO: ", "RCPT TO:   ", "rcpt to:", "RCPT"})
    void rcptWithoutAForwardPathIsASyntaxError(String line) {
        greeted().send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send(line).expect("501 5.5.4 Syntax: RCPT TO:<address>");
        smtp.send("DATA").expect("503 5.5.1");
    }

    @Test
    void mailFromNullPathIsAcceptedWithOrWithoutASpace() {
        greeted().send("MAIL FROM: <>").expect("250 2.1.0");
        smtp.send("RSET").expect("250 ");
        smtp.send("MAIL FROM:<> SIZE=100").expect("250 2.1.0");
    }

    @Test
    void nonAsciiSenderWithoutSmtputf8IsRefused() {
        greeted().send("MAIL FROM:<josé@remote.test>").expect("553 5.6.7");
    }

    @Test
    void nonAsciiSenderWithSmtputf8IsAccepted() {
        greeted().send("MAIL FROM:<josé@remote.test> SMTPUTF8").expect("250 2.1.0");
    }

    @Test
    void nonAsciiRecipientWithoutSmtputf8IsRefused() {
        greeted().send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<" + FixedAccounts.JOSE + ">").expect("553 5.6.7");
    }

    @Test
    void nonAsciiRecipientWithSmtputf8IsAccepted() {
        greeted().send("MAIL FROM:<sender@remote.test> SMTPUTF8").expect("250 ");
        smtp.send("RCPT TO:<" + FixedAccounts.JOSE + ">").expect("250 2.1.5");
    }

    @Test
    void localUserIsAcceptedWhateverTheCase() {
        greeted().send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<Alice@Example.TEST>").expect("250 2.1.5");
    }

    @Test
    void unknownLocalUserIsRefused() {
        greeted().send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<nobody@example.test>").expect("550 5.1.1");
        smtp.send("RCPT TO:<alice@example.test>").expect("250 2.1.5");
    }

    @Test
    void mxRefusesToRelayToAForeignDomain() {
        greeted().send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<victim@elsewhere.test>").expect("554 5.7.1");
    }

    @Test
    void mxRefusesSourceRoutedRelay() {
        greeted().send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<@example.test:victim@elsewhere.test>").expect("554 5.7.1");
    }

    @Test
    void recipientsOverTheLimitAreRefusedTemporarily() {
        greeted(TestServer.mx(mailRoot).withMaxRecipients(2));
        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<alice@example.test>").expect("250 ");
        smtp.send("RCPT TO:<bob@example.test>").expect("250 ");
        smtp.send("RCPT TO:<alice@example.test>").expect("452 4.5.3");
        smtp.send("DATA").expect("354 ");
    }

    @Test
    void rsetDropsTheTransaction() {
        greeted().send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<alice@example.test>").expect("250 ");
        smtp.send("RSET").expect("250 2.0.0");
        smtp.send("DATA").expect("503 5.5.1");
        smtp.send("RCPT TO:<alice@example.test>").expect("503 5.5.1");
        smtp.send("MAIL FROM:<other@remote.test>").expect("250 2.1.0");
    }

    @Test
    void ehloInTheMiddleOfATransactionResetsIt() {
        greeted().send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("EHLO client.test").expect("250 ");
        smtp.send("RCPT TO:<alice@example.test>").expect("503 5.5.1");
    }

    @Test
    void submissionRequiresAuthBeforeMail() {
        greeted(TestServer.mx(mailRoot).withService(SmtpService.SUBMISSION));
        smtp.send("MAIL FROM:<alice@example.test>").expect("530 5.7.0");
    }
}

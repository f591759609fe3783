package org.histoscope.testsupport;

import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Small helpers for driving Vaadin Flow views with plain Selenium (TestBench is commercial): wait until the
 * client has no pending server round trip, sign in through the login form, type into Vaadin fields by id.
 * Vaadin 24 puts a field's native input in the light DOM, so "#id input" reaches it without shadow roots.
 */
public final class VaadinPage {

    /** Generous, because the test machine is shared and slow. */
    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final WebDriver driver;
    private final String baseUrl;

    public VaadinPage(WebDriver driver, int port) {
        this(driver, "http://localhost:" + port);
    }

    /** The app under another address, e.g. a plain-HTTP intranet name mapped to this machine. */
    public VaadinPage(WebDriver driver, String baseUrl) {
        this.driver = driver;
        this.baseUrl = baseUrl;
    }

    public WebDriver driver() {
        return driver;
    }

    public String url(String path) {
        return baseUrl + (path.startsWith("/") ? path : "/" + path);
    }

    public void open(String path) {
        driver.get(url(path));
        waitForVaadin();
    }

    /** Waits until Vaadin has booted and no request to the server is in flight. */
    public void waitForVaadin() {
        new WebDriverWait(driver, TIMEOUT).until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript("""
                if (!window.Vaadin || !window.Vaadin.Flow || !window.Vaadin.Flow.clients) { return false; }
                const clients = Object.values(window.Vaadin.Flow.clients);
                return clients.length > 0 && clients.every(c => !c.isActive || !c.isActive());""")));
    }

    /** Signs in through the login view and waits for the page after the login redirect. */
    public void login(String username, String password) {
        open("/login");
        WebElement user = waitFor(By.cssSelector("vaadin-login-form input[name='username']"));
        user.sendKeys(username);
        WebElement pass = driver.findElement(By.cssSelector("vaadin-login-form input[name='password']"));
        pass.sendKeys(password);
        pass.sendKeys(Keys.ENTER);
        new WebDriverWait(driver, TIMEOUT).until(d -> !d.getCurrentUrl().endsWith("/login"));
        waitForVaadin();
    }

    /** Clicks the header's sign-out button and waits for the login view. */
    public void logout() {
        click("logout");
        new WebDriverWait(driver, TIMEOUT).until(ExpectedConditions.urlContains("/login"));
        waitForVaadin();
    }

    public WebElement waitFor(By by) {
        return new WebDriverWait(driver, TIMEOUT).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    public WebElement byId(String id) {
        return waitFor(By.id(id));
    }

    /** Replaces the value of the Vaadin text/password/email field with the given id and commits it. */
    public void type(String fieldId, String value) {
        WebElement input = waitFor(By.cssSelector("#" + fieldId + " input"));
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        input.sendKeys(value);
        input.sendKeys(Keys.TAB);
        waitForVaadin();
    }

    /**
     * Clicks the element as a person would: scrolled to the middle of the window first (a button at the window's edge
     * can lie under the app's fixed bars or a notification), and tried again while something transient (a
     * notification, an overlay closing) still covers it.
     */
    public void click(String id) {
        new WebDriverWait(driver, TIMEOUT).ignoring(org.openqa.selenium.ElementClickInterceptedException.class)
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> {
                    WebElement element = ExpectedConditions.elementToBeClickable(By.id(id)).apply(d);
                    if (element == null) {
                        return false;
                    }
                    ((JavascriptExecutor) d).executeScript(
                            "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});", element);
                    element.click();
                    return true;
                });
        waitForVaadin();
    }

    /** Ticks the checkbox labelled {@code label} in the Vaadin checkbox group with the given id. */
    public void check(String groupId, String label) {
        List<WebElement> boxes = waitFor(By.id(groupId)).findElements(By.cssSelector("vaadin-checkbox"));
        boxes.stream().filter(b -> label.equalsIgnoreCase(b.getText().trim())).findFirst()
                .orElseThrow(() -> new AssertionError("No checkbox '" + label + "' in #" + groupId))
                .findElement(By.cssSelector("input")).click();
        waitForVaadin();
    }

    /** The text of the page body as a user would read it (light DOM only). */
    public String bodyText() {
        return driver.findElement(By.tagName("body")).getText();
    }

    public void waitForText(String text) {
        new WebDriverWait(driver, TIMEOUT).until(d -> bodyText().contains(text));
    }

    public void waitForPath(String path) {
        new WebDriverWait(driver, TIMEOUT).until(d -> d.getCurrentUrl().replaceFirst("^https?://[^/]+", "")
                .replaceFirst("\\?.*$", "").equals(path.startsWith("/") ? path : "/" + path));
    }
}
